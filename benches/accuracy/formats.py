"""Credential formats for the accuracy corpus, written from the providers' own documentation.

Every generator here makes a fresh random value in a provider's documented shape (prefix,
length, alphabet, checksum where the format has one). Nothing in this file is a secret: the
values exist only in the corpus that generate.py writes at run time. Each `Spec` names the
page its format comes from (`doc`), and says where the format is uncertain (`unsure`).
"""

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Callable, List

UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOWER = "abcdefghijklmnopqrstuvwxyz"
DIGITS = "0123456789"
ALNUM = UPPER + LOWER + DIGITS
HEX = "0123456789abcdef"
HEXUP = "0123456789ABCDEF"
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
B32UP = UPPER + "234567"
BASE62 = DIGITS + UPPER + LOWER  # the alphabet GitHub/npm use for their CRC32 suffix


def rs(r, alphabet, n):
    """n characters drawn from alphabet."""
    return "".join(r.choice(alphabet) for _ in range(n))


def rbytes(r, n):
    """n random bytes."""
    return bytes(r.getrandbits(8) for _ in range(n))


def b64(data):
    return base64.b64encode(data).decode()


def b64url_nopad(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def uuid4(r):
    """A random version-4 UUID string."""
    h = rs(r, HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{r.choice('89ab')}{h[17:20]}-{h[20:]}"


def base62(n, width):
    """n in base62, left-padded with '0' to width."""
    out = ""
    while n:
        n, d = divmod(n, 62)
        out = BASE62[d] + out
    return out.rjust(width, "0")


def crc32_b62(payload):
    """The 6-character base62 CRC32 that GitHub and npm append to a token's random part."""
    return base62(binascii.crc32(payload.encode()) & 0xFFFFFFFF, 6)


# ---------------------------------------------------------------- token generators

def github_token(prefix):
    """ghp_/gho_/ghu_/ghs_/ghr_: 30 random base62 characters then their base62 CRC32."""
    def gen(r):
        body = rs(r, ALNUM, 30)
        return f"{prefix}{body}{crc32_b62(body)}"
    return gen


def github_fine_grained(r):
    """github_pat_ + 22 characters + '_' + 59 characters, the last 6 a base62 CRC32."""
    head, tail = rs(r, ALNUM, 22), rs(r, ALNUM, 53)
    return f"github_pat_{head}_{tail}{crc32_b62(head + '_' + tail)}"


def npm_token(r):
    body = rs(r, ALNUM, 30)
    return f"npm_{body}{crc32_b62(body)}"


def slack_bot(r):
    return f"xoxb-{rs(r, DIGITS, 12)}-{rs(r, DIGITS, 13)}-{rs(r, ALNUM, 24)}"


def slack_user(r):
    return f"xoxp-{rs(r, DIGITS, 12)}-{rs(r, DIGITS, 12)}-{rs(r, DIGITS, 13)}-{rs(r, HEX, 32)}"


def slack_app(r):
    return f"xapp-1-A{rs(r, UPPER + DIGITS, 10)}-{rs(r, DIGITS, 13)}-{rs(r, HEX, 64)}"


def slack_webhook(r):
    return (f"https://hooks.slack.com/services/T{rs(r, UPPER + DIGITS, 8)}/"
            f"B{rs(r, UPPER + DIGITS, 10)}/{rs(r, ALNUM, 24)}")


def discord_bot(r):
    uid = str(r.randint(10**17, 10**18 * 9))
    return f"{b64url_nopad(uid.encode())}.{rs(r, B64URL, 6)}.{rs(r, B64URL, 38)}"


def discord_webhook(r):
    return f"https://discord.com/api/webhooks/{r.randint(10**17, 10**18 * 9)}/{rs(r, B64URL, 68)}"


def telegram_bot(r):
    return f"{r.randint(10**8, 9 * 10**9)}:AA{rs(r, B64URL, 33)}"


def teams_webhook(r):
    t = rs(r, LOWER, 8)
    return (f"https://{t}.webhook.office.com/webhookb2/{uuid4(r)}@{uuid4(r)}"
            f"/IncomingWebhook/{rs(r, HEX, 32)}/{uuid4(r)}")


def azure_storage_key(r):
    return b64(rbytes(r, 64))


def azure_storage_conn(r):
    return (f"DefaultEndpointsProtocol=https;AccountName={rs(r, LOWER + DIGITS, 12)};"
            f"AccountKey={azure_storage_key(r)};EndpointSuffix=core.windows.net")


def azure_sas_url(r):
    sig = b64(rbytes(r, 32)).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    return (f"https://{rs(r, LOWER + DIGITS, 12)}.blob.core.windows.net/exports?sv=2022-11-02"
            f"&ss=bfqt&srt=sco&sp=rwdlacupiytfx&se=2026-03-31T17:00:00Z"
            f"&st=2025-01-01T09:00:00Z&spr=https&sig={sig}")


def entra_secret(r):
    return f"{rs(r, ALNUM, 3)}{r.choice(DIGITS)}Q~{rs(r, ALNUM + '_-.~', 34)}"


def azure_devops_pat(r):
    return f"{rs(r, ALNUM, 76)}AZDO{rs(r, ALNUM, 4)}"


def azure_devops_pat_legacy(r):
    return rs(r, LOWER + "234567", 52)


def aws_session_token(r):
    return "IQoJb3JpZ2luX2Vj" + b64(rbytes(r, 420))


def gcp_api_key(r):
    return "AIza" + rs(r, B64URL, 35)


def stripe_key(prefix):
    def gen(r):
        return f"{prefix}51{rs(r, ALNUM, 97)}"
    return gen


def jwt(r, alg="HS256", claims=None):
    """A signed-looking JWT: real JSON header and claims, random signature bytes."""
    header = {"alg": alg, "typ": "JWT"}
    now = 1_700_000_000 + r.randint(0, 60_000_000)
    payload = claims or {"sub": str(r.randint(1000, 999999)), "iat": now, "exp": now + 3600 * 24 * 365,
                         "iss": r.choice(["auth.acme-corp.net", "https://login.northwind.io"])}
    sig = rbytes(r, 256 if alg.startswith("RS") else 32)
    return ".".join([b64url_nopad(json.dumps(header, separators=(",", ":")).encode()),
                     b64url_nopad(json.dumps(payload, separators=(",", ":")).encode()),
                     b64url_nopad(sig)])


def supabase_service_jwt(r):
    return jwt(r, claims={"iss": "supabase", "ref": rs(r, LOWER, 20), "role": "service_role",
                          "iat": 1_710_000_000, "exp": 2_025_000_000})


def mapbox_secret(r):
    user = b64url_nopad(json.dumps({"u": rs(r, LOWER, 8), "a": rs(r, LOWER + DIGITS, 25)}).encode())
    return f"sk.{user}.{rs(r, B64URL, 22)}"


def grafana_cloud(r):
    blob = b64(json.dumps({"o": str(r.randint(100000, 999999)), "n": "stack-" + rs(r, LOWER, 6),
                           "k": rs(r, ALNUM, 24), "m": {"r": "prod-eu-west-2"}}).encode()).rstrip("=")
    return "glc_" + blob


def sentry_org_token(r):
    blob = b64(json.dumps({"iat": 1_712_000_000.0, "url": "https://sentry.io",
                           "region_url": "https://us.sentry.io", "org": rs(r, LOWER, 8)}).encode())
    return f"sntrys_{blob.rstrip('=')}_{rs(r, B64URL, 43)}"


def mailchimp(r):
    return f"{rs(r, HEX, 32)}-us{r.randint(1, 21)}"


def braintree(r):
    return f"access_token$production${rs(r, LOWER + DIGITS, 16)}${rs(r, HEX, 32)}"


def terraform_cloud(r):
    return f"{rs(r, ALNUM, 14)}.atlasv1.{rs(r, ALNUM, 67)}"


def vault_service(r):
    return "hvs." + rs(r, B64URL, 91)


def airtable_pat(r):
    return f"pat{rs(r, ALNUM, 14)}.{rs(r, HEX, 64)}"


def dynatrace(r):
    return f"dt0c01.{rs(r, UPPER + DIGITS, 24)}.{rs(r, UPPER + DIGITS, 64)}"


def newrelic_license(r):
    return rs(r, HEX, 36) + "NRAL"


def atlassian_api(r):
    return f"ATATT3xFfGF0{rs(r, B64URL, 170)}={rs(r, HEXUP, 8)}"


def grafana_sa(r):
    return f"glsa_{rs(r, ALNUM, 32)}_{rs(r, HEX, 8)}"


def simple(prefix, alphabet, n, suffix=""):
    """prefix + n characters of alphabet (+ optional fixed suffix)."""
    def gen(r):
        return prefix + rs(r, alphabet, n) + suffix
    return gen


def openai_project(r):
    return f"sk-proj-{rs(r, B64URL, 74)}T3BlbkFJ{rs(r, B64URL, 74)}"


def openai_legacy(r):
    return f"sk-{rs(r, ALNUM, 20)}T3BlbkFJ{rs(r, ALNUM, 20)}"


def anthropic(r):
    return f"sk-ant-api03-{rs(r, B64URL, 93)}AA"


def hubspot(r):
    return f"pat-{r.choice(['na1', 'eu1'])}-{uuid4(r)}"


def launchdarkly(prefix):
    def gen(r):
        return f"{prefix}-{uuid4(r)}"
    return gen


def asana(r):
    return f"2/{rs(r, DIGITS, 16)}/{rs(r, DIGITS, 16)}:{rs(r, HEX, 32)}"


def postman(r):
    return f"PMAK-{rs(r, HEX, 24)}-{rs(r, HEX, 34)}"


def cloudflare_origin_ca(r):
    return f"v1.0-{rs(r, HEX, 24)}-{rs(r, HEX, 146)}"


def twitter_bearer(r):
    return "AAAAAAAAAAAAAAAAAAAAA" + rs(r, ALNUM, 25) + "%3D" + rs(r, ALNUM, 50)


def salesforce(r):
    return f"00D{rs(r, ALNUM, 12)}!{rs(r, ALNUM + '._', 96)}"


def langsmith(r):
    return f"lsv2_pt_{rs(r, HEX, 32)}_{rs(r, HEX, 10)}"


def pinecone(r):
    return f"pcsk_{rs(r, ALNUM, 5)}_{rs(r, ALNUM, 63)}"


def doppler(kind):
    def gen(r):
        return f"dp.{kind}.{rs(r, ALNUM, 43)}"
    return gen


def circleci_pat(r):
    return f"CCIPAT_{rs(r, ALNUM, 22)}_{rs(r, HEX, 40)}"


def fly_macaroon(r):
    return "FlyV1 fm2_" + b64(rbytes(r, 180))


def jfrog_ref(r):
    return "cmVmdGtuOjAxOj" + rs(r, ALNUM, 50)


def pypi(r):
    return "pypi-AgEIcHlwaS5vcmc" + rs(r, B64URL, 150)


def adyen(r):
    return f"AQE{rs(r, ALNUM, 3)}mfx{rs(r, B64, 60)}/{rs(r, B64, 40)}-{rs(r, B64, 30)}=="


def flutterwave(r):
    return f"FLWSECK-{rs(r, HEX, 32)}-X"


def plaid_access(r):
    return f"access-production-{uuid4(r)}"


def okta(r):
    return "00" + rs(r, B64URL, 40)


def notion_new(r):
    return "ntn_" + rs(r, DIGITS, 11) + rs(r, ALNUM, 35)


def mailgun_new(r):
    return f"{rs(r, HEX, 32)}-{rs(r, HEX, 8)}-{rs(r, HEX, 8)}"


def sendgrid(r):
    return f"SG.{rs(r, B64URL, 22)}.{rs(r, B64URL, 43)}"


def heroku_new(r):
    return "HRKU-AA" + rs(r, B64URL, 58)


# ---------------------------------------------------------------- the registry

AWS_KEYS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html"
GH_FMT = "https://github.blog/changelog/2021-03-31-authentication-token-format-updates-are-generally-available/"
GL_TOK = "https://docs.gitlab.com/ee/security/tokens/"
SLACK = "https://api.slack.com/authentication/token-types"


@dataclass
class Spec:
    """One credential format: where it belongs, how to make one, what code calls it."""
    family: str
    provider: str
    gen: Callable
    names: List[str]
    doc: str
    prefix: str = ""          # identifying prefix, '' when the value is only recognisable in context
    fixed_len: bool = True    # False when the format allows several lengths
    count: int = 3            # positives to generate
    unsure: str = ""          # what about the format is uncertain


def specs():
    """Every provider format the corpus plants, as Spec rows."""
    S = Spec
    return [
        # ---------------- cloud
        S("cloud", "aws-access-key-id", simple("AKIA", B32UP, 16), ["AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"], AWS_KEYS, "AKIA", count=6),
        S("cloud", "aws-secret-access-key", simple("", B64, 40), ["AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"], AWS_KEYS, count=6),
        S("cloud", "aws-temporary-access-key-id", simple("ASIA", B32UP, 16), ["AWS_ACCESS_KEY_ID"], "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_use-resources.html", "ASIA", count=2),
        S("cloud", "aws-session-token", aws_session_token, ["AWS_SESSION_TOKEN"], "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_use-resources.html", "IQoJb3JpZ2luX2Vj", fixed_len=False, count=3, unsure="session tokens are opaque; IQoJb3JpZ2luX2Vj is the common opening of current STS tokens"),
        S("cloud", "azure-storage-account-key", azure_storage_key, ["AZURE_STORAGE_KEY", "AZURE_STORAGE_ACCOUNT_KEY"], "https://learn.microsoft.com/azure/storage/common/storage-account-keys-manage", count=3),
        S("cloud", "azure-storage-connection-string", azure_storage_conn, ["AZURE_STORAGE_CONNECTION_STRING", "AzureWebJobsStorage"], "https://learn.microsoft.com/azure/storage/common/storage-configure-connection-string", "DefaultEndpointsProtocol=", count=4),
        S("cloud", "azure-sas-url", azure_sas_url, ["AZURE_BLOB_SAS_URL", "EXPORT_CONTAINER_SAS"], "https://learn.microsoft.com/azure/storage/common/storage-sas-overview", count=3),
        S("cloud", "azure-entra-client-secret", entra_secret, ["AZURE_CLIENT_SECRET", "ARM_CLIENT_SECRET"], "https://learn.microsoft.com/purview/sit-defn-azure-ad-client-secret", count=4),
        S("cloud", "azure-devops-pat", azure_devops_pat, ["AZURE_DEVOPS_EXT_PAT", "AZDO_PERSONAL_ACCESS_TOKEN"], "https://learn.microsoft.com/azure/devops/organizations/accounts/use-personal-access-tokens-to-authenticate", count=3, unsure="84-character format with the AZDO signature at offset 76 is from Microsoft's 2024 announcement, recalled not re-read"),
        S("cloud", "azure-devops-pat-legacy", azure_devops_pat_legacy, ["AZURE_DEVOPS_EXT_PAT", "SYSTEM_ACCESSTOKEN_PAT"], "https://learn.microsoft.com/azure/devops/organizations/accounts/use-personal-access-tokens-to-authenticate", count=2),
        S("cloud", "gcp-api-key", gcp_api_key, ["GOOGLE_API_KEY", "GCP_API_KEY", "MAPS_API_KEY"], "https://cloud.google.com/docs/authentication/api-keys", "AIza", count=4),
        S("cloud", "gcp-oauth-client-secret", simple("GOCSPX-", B64URL, 28), ["GOOGLE_CLIENT_SECRET"], "https://developers.google.com/identity/protocols/oauth2", "GOCSPX-", count=2),
        S("cloud", "alibaba-access-key-id", simple("LTAI5t", ALNUM, 18), ["ALIBABA_CLOUD_ACCESS_KEY_ID"], "https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair", "LTAI", count=2),
        S("cloud", "alibaba-access-key-secret", simple("", ALNUM, 30), ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"], "https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair", count=2),
        S("cloud", "tencent-secret-id", simple("AKID", ALNUM, 32), ["TENCENTCLOUD_SECRET_ID"], "https://www.tencentcloud.com/document/product/598/34228", "AKID", count=2),
        S("cloud", "tencent-secret-key", simple("", ALNUM, 32), ["TENCENTCLOUD_SECRET_KEY"], "https://www.tencentcloud.com/document/product/598/34228", count=2),
        S("cloud", "digitalocean-pat", simple("dop_v1_", HEX, 64), ["DIGITALOCEAN_TOKEN", "DIGITALOCEAN_ACCESS_TOKEN"], "https://docs.digitalocean.com/notes/2022/api-token-format", "dop_v1_", count=3),
        S("cloud", "digitalocean-oauth", simple("doo_v1_", HEX, 64), ["DO_OAUTH_TOKEN"], "https://docs.digitalocean.com/notes/2022/api-token-format", "doo_v1_", count=1),
        S("cloud", "digitalocean-refresh", simple("dor_v1_", HEX, 64), ["DO_REFRESH_TOKEN"], "https://docs.digitalocean.com/notes/2022/api-token-format", "dor_v1_", count=1),
        S("cloud", "linode-token", simple("", HEX, 64), ["LINODE_TOKEN", "LINODE_CLI_TOKEN"], "https://techdocs.akamai.com/linode-api/reference/get-started", count=2),
        S("cloud", "heroku-api-key", uuid4, ["HEROKU_API_KEY"], "https://devcenter.heroku.com/articles/authentication", count=2),
        S("cloud", "heroku-api-key-hrku", heroku_new, ["HEROKU_API_KEY"], "https://devcenter.heroku.com/articles/authentication", "HRKU-", count=1, unsure="HRKU-AA prefix and 58-character body recalled from Heroku's 2024 token format change, not re-read"),
        S("cloud", "netlify-pat", simple("nfp_", ALNUM, 36), ["NETLIFY_AUTH_TOKEN"], "https://docs.netlify.com/cli/get-started/#obtain-a-token-in-the-netlify-ui", "nfp_", count=2, unsure="nfp_ prefix and body length recalled"),
        S("cloud", "vercel-token", simple("", ALNUM, 24), ["VERCEL_TOKEN"], "https://vercel.com/docs/rest-api#creating-an-access-token", count=2),
        S("cloud", "fly-token", fly_macaroon, ["FLY_API_TOKEN"], "https://fly.io/docs/security/tokens/", "FlyV1 fm2_", fixed_len=False, count=2),
        S("cloud", "supabase-access-token", simple("sbp_", HEX, 40), ["SUPABASE_ACCESS_TOKEN"], "https://supabase.com/docs/reference/cli/supabase-login", "sbp_", count=2),
        S("cloud", "supabase-service-role-key", supabase_service_jwt, ["SUPABASE_SERVICE_ROLE_KEY"], "https://supabase.com/docs/guides/api/api-keys", "eyJ", fixed_len=False, count=2),
        S("cloud", "cloudflare-api-token", simple("", B64URL, 40), ["CLOUDFLARE_API_TOKEN", "CF_API_TOKEN"], "https://developers.cloudflare.com/fundamentals/api/get-started/create-token/", count=3),
        S("cloud", "cloudflare-global-api-key", simple("", HEX, 37), ["CLOUDFLARE_API_KEY", "CF_API_KEY"], "https://developers.cloudflare.com/fundamentals/api/get-started/keys/", count=2),
        S("cloud", "cloudflare-origin-ca-key", cloudflare_origin_ca, ["CLOUDFLARE_ORIGIN_CA_KEY"], "https://developers.cloudflare.com/ssl/origin-configuration/origin-ca/", "v1.0-", count=1),
        S("cloud", "doppler-personal-token", doppler("pt"), ["DOPPLER_TOKEN"], "https://docs.doppler.com/docs/token-formats", "dp.pt.", count=2),
        S("cloud", "doppler-service-token", doppler("st"), ["DOPPLER_TOKEN"], "https://docs.doppler.com/docs/token-formats", "dp.st.", count=2),
        S("cloud", "vault-service-token", vault_service, ["VAULT_TOKEN"], "https://developer.hashicorp.com/vault/docs/concepts/tokens", "hvs.", fixed_len=False, count=3),
        S("cloud", "vault-legacy-token", simple("s.", ALNUM, 24), ["VAULT_TOKEN"], "https://developer.hashicorp.com/vault/docs/upgrading/upgrade-to-1.0.0", "s.", count=1),
        S("cloud", "pulumi-access-token", simple("pul-", HEX, 40), ["PULUMI_ACCESS_TOKEN"], "https://www.pulumi.com/docs/pulumi-cloud/access-management/access-tokens/", "pul-", count=2),
        S("cloud", "terraform-cloud-token", terraform_cloud, ["TFE_TOKEN", "TF_TOKEN_app_terraform_io"], "https://developer.hashicorp.com/terraform/cloud-docs/users-teams-organizations/api-tokens", ".atlasv1.", count=3),
        S("cloud", "databricks-pat", simple("dapi", HEX, 32), ["DATABRICKS_TOKEN"], "https://docs.databricks.com/en/dev-tools/auth/pat.html", "dapi", count=3),
        # ---------------- dev-platforms
        S("dev-platforms", "github-pat-classic", github_token("ghp_"), ["GITHUB_TOKEN", "GH_TOKEN", "GITHUB_PAT"], GH_FMT, "ghp_", count=5),
        S("dev-platforms", "github-oauth", github_token("gho_"), ["GITHUB_OAUTH_TOKEN"], GH_FMT, "gho_", count=2),
        S("dev-platforms", "github-user-to-server", github_token("ghu_"), ["GITHUB_USER_TOKEN"], GH_FMT, "ghu_", count=2),
        S("dev-platforms", "github-server-to-server", github_token("ghs_"), ["GITHUB_APP_TOKEN", "GITHUB_INSTALLATION_TOKEN"], GH_FMT, "ghs_", count=2),
        S("dev-platforms", "github-refresh", github_token("ghr_"), ["GITHUB_REFRESH_TOKEN"], GH_FMT, "ghr_", count=2),
        S("dev-platforms", "github-fine-grained-pat", github_fine_grained, ["GITHUB_TOKEN", "GH_TOKEN"], "https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens", "github_pat_", count=4),
        S("dev-platforms", "gitlab-pat", simple("glpat-", B64URL, 20), ["GITLAB_TOKEN", "GITLAB_PRIVATE_TOKEN", "CI_JOB_TOKEN_OVERRIDE"], GL_TOK, "glpat-", count=4),
        S("dev-platforms", "gitlab-deploy-token", simple("gldt-", B64URL, 20), ["GITLAB_DEPLOY_TOKEN"], GL_TOK, "gldt-", count=2),
        S("dev-platforms", "gitlab-runner-token", simple("glrt-", B64URL, 20), ["RUNNER_TOKEN", "CI_SERVER_TOKEN"], GL_TOK, "glrt-", count=2),
        S("dev-platforms", "gitlab-pipeline-trigger", simple("glptt-", HEX, 40), ["GITLAB_TRIGGER_TOKEN"], GL_TOK, "glptt-", count=2),
        S("dev-platforms", "gitlab-feed-token", simple("glft-", B64URL, 20), ["GITLAB_FEED_TOKEN"], GL_TOK, "glft-", count=1),
        S("dev-platforms", "gitlab-oauth-secret", simple("gloas-", HEX, 64), ["GITLAB_OAUTH_SECRET"], GL_TOK, "gloas-", count=1),
        S("dev-platforms", "gitlab-runner-registration", simple("GR1348941", B64URL, 20), ["REGISTRATION_TOKEN"], GL_TOK, "GR1348941", count=1),
        S("dev-platforms", "bitbucket-app-password", simple("ATBB", ALNUM, 32), ["BITBUCKET_APP_PASSWORD"], "https://support.atlassian.com/bitbucket-cloud/docs/app-passwords/", "ATBB", count=2, unsure="ATBB prefix recalled; body length may differ"),
        S("dev-platforms", "atlassian-api-token", atlassian_api, ["JIRA_API_TOKEN", "CONFLUENCE_API_TOKEN", "ATLASSIAN_API_TOKEN"], "https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/", "ATATT", count=3, unsure="ATATT3xFfGF0 opening and =CRC-like 8-hex tail recalled, not documented"),
        S("dev-platforms", "npm-token", npm_token, ["NPM_TOKEN", "NODE_AUTH_TOKEN"], "https://github.blog/changelog/2021-09-23-npm-has-a-new-access-token-format/", "npm_", count=4),
        S("dev-platforms", "pypi-token", pypi, ["PYPI_API_TOKEN", "TWINE_PASSWORD"], "https://pypi.org/help/#apitoken", "pypi-AgEIcHlwaS5vcmc", fixed_len=False, count=3),
        S("dev-platforms", "rubygems-api-key", simple("rubygems_", HEX, 48), ["GEM_HOST_API_KEY", "RUBYGEMS_API_KEY"], "https://guides.rubygems.org/api-key-scopes/", "rubygems_", count=2),
        S("dev-platforms", "nuget-api-key", simple("oy2", LOWER + DIGITS, 43), ["NUGET_API_KEY"], "https://learn.microsoft.com/nuget/nuget-org/scoped-api-keys", "oy2", count=2),
        S("dev-platforms", "docker-hub-pat", simple("dckr_pat_", B64URL, 27), ["DOCKERHUB_TOKEN", "DOCKER_PASSWORD"], "https://docs.docker.com/security/for-developers/access-tokens/", "dckr_pat_", count=3),
        S("dev-platforms", "jfrog-api-key", simple("AKCp", ALNUM, 69), ["ARTIFACTORY_API_KEY", "JFROG_API_KEY"], "https://jfrog.com/help/r/jfrog-platform-administration-documentation/api-key", "AKCp", count=2),
        S("dev-platforms", "jfrog-reference-token", jfrog_ref, ["JFROG_ACCESS_TOKEN"], "https://jfrog.com/help/r/jfrog-platform-administration-documentation/access-tokens", "cmVmdGtuOjAxOj", count=2),
        S("dev-platforms", "circleci-pat", circleci_pat, ["CIRCLECI_TOKEN", "CIRCLE_TOKEN"], "https://circleci.com/docs/managing-api-tokens/", "CCIPAT_", count=2, unsure="CCIPAT_ layout recalled"),
        S("dev-platforms", "snyk-token", uuid4, ["SNYK_TOKEN"], "https://docs.snyk.io/snyk-api/authentication-for-api", count=2),
        S("dev-platforms", "sonarqube-user-token", simple("squ_", HEX, 40), ["SONAR_TOKEN"], "https://docs.sonarsource.com/sonarqube/latest/user-guide/user-account/generating-and-using-tokens/", "squ_", count=2),
        S("dev-platforms", "sonarqube-project-token", simple("sqp_", HEX, 40), ["SONAR_TOKEN"], "https://docs.sonarsource.com/sonarqube/latest/user-guide/user-account/generating-and-using-tokens/", "sqp_", count=1),
        S("dev-platforms", "sonarqube-global-token", simple("sqa_", HEX, 40), ["SONAR_TOKEN"], "https://docs.sonarsource.com/sonarqube/latest/user-guide/user-account/generating-and-using-tokens/", "sqa_", count=1),
        S("dev-platforms", "postman-api-key", postman, ["POSTMAN_API_KEY"], "https://learning.postman.com/docs/developer/postman-api/authentication/", "PMAK-", count=2),
        S("dev-platforms", "codecov-token", uuid4, ["CODECOV_TOKEN"], "https://docs.codecov.com/docs/codecov-tokens", count=1),
        # ---------------- messaging
        S("messaging", "slack-bot-token", slack_bot, ["SLACK_BOT_TOKEN", "SLACK_TOKEN"], SLACK, "xoxb-", count=4),
        S("messaging", "slack-user-token", slack_user, ["SLACK_USER_TOKEN"], SLACK, "xoxp-", count=2),
        S("messaging", "slack-app-token", slack_app, ["SLACK_APP_TOKEN"], SLACK, "xapp-", count=2),
        S("messaging", "slack-webhook", slack_webhook, ["SLACK_WEBHOOK_URL", "SLACK_WEBHOOK"], "https://api.slack.com/messaging/webhooks", "https://hooks.slack.com/services/", count=4),
        S("messaging", "slack-signing-secret", simple("", HEX, 32), ["SLACK_SIGNING_SECRET"], "https://api.slack.com/authentication/verifying-requests-from-slack", count=1),
        S("messaging", "discord-bot-token", discord_bot, ["DISCORD_TOKEN", "DISCORD_BOT_TOKEN"], "https://discord.com/developers/docs/reference#authentication", count=3),
        S("messaging", "discord-webhook", discord_webhook, ["DISCORD_WEBHOOK_URL"], "https://discord.com/developers/docs/resources/webhook", "https://discord.com/api/webhooks/", count=3),
        S("messaging", "telegram-bot-token", telegram_bot, ["TELEGRAM_BOT_TOKEN", "TG_TOKEN"], "https://core.telegram.org/bots/api#authorizing-your-bot", count=3),
        S("messaging", "teams-webhook", teams_webhook, ["TEAMS_WEBHOOK_URL"], "https://learn.microsoft.com/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook", count=2),
        S("messaging", "twilio-auth-token", simple("", HEX, 32), ["TWILIO_AUTH_TOKEN"], "https://www.twilio.com/docs/iam/api/authtoken", count=2),
        S("messaging", "twilio-api-key", simple("SK", HEX, 32), ["TWILIO_API_KEY"], "https://www.twilio.com/docs/iam/api-keys", "SK", count=2),
        S("messaging", "sendgrid-api-key", sendgrid, ["SENDGRID_API_KEY"], "https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys", "SG.", count=3),
        S("messaging", "mailgun-api-key", simple("key-", HEX, 32), ["MAILGUN_API_KEY"], "https://documentation.mailgun.com/docs/mailgun/api-reference/authentication/", "key-", count=2),
        S("messaging", "mailgun-api-key-v2", mailgun_new, ["MAILGUN_API_KEY"], "https://documentation.mailgun.com/docs/mailgun/api-reference/authentication/", count=1, unsure="hex-hex-hex layout of newer Mailgun keys recalled"),
        S("messaging", "mailchimp-api-key", mailchimp, ["MAILCHIMP_API_KEY"], "https://mailchimp.com/developer/marketing/guides/quick-start/", count=2),
        S("messaging", "postmark-server-token", uuid4, ["POSTMARK_SERVER_TOKEN", "POSTMARK_API_TOKEN"], "https://postmarkapp.com/developer/api/overview#authentication", count=2),
        S("messaging", "vonage-api-secret", simple("", ALNUM, 16), ["VONAGE_API_SECRET", "NEXMO_API_SECRET"], "https://developer.vonage.com/en/getting-started/concepts/authentication", count=1),
        S("messaging", "pusher-app-secret", simple("", HEX, 20), ["PUSHER_APP_SECRET"], "https://pusher.com/docs/channels/server_api/http-api/", count=1),
        # ---------------- payments
        S("payments", "stripe-secret-key", stripe_key("sk_live_"), ["STRIPE_SECRET_KEY", "STRIPE_API_KEY"], "https://docs.stripe.com/keys", "sk_live_", fixed_len=False, count=4),
        S("payments", "stripe-restricted-key", stripe_key("rk_live_"), ["STRIPE_RESTRICTED_KEY"], "https://docs.stripe.com/keys", "rk_live_", fixed_len=False, count=2),
        S("payments", "stripe-webhook-secret", simple("whsec_", ALNUM, 32), ["STRIPE_WEBHOOK_SECRET"], "https://docs.stripe.com/webhooks", "whsec_", count=2),
        S("payments", "square-access-token", simple("EAAA", B64URL, 60), ["SQUARE_ACCESS_TOKEN"], "https://developer.squareup.com/docs/build-basics/access-tokens", "EAAA", count=2),
        S("payments", "square-oauth-secret", simple("sq0csp-", B64URL, 43), ["SQUARE_APPLICATION_SECRET"], "https://developer.squareup.com/docs/oauth-api/overview", "sq0csp-", count=2),
        S("payments", "braintree-access-token", braintree, ["BRAINTREE_ACCESS_TOKEN", "PAYPAL_ACCESS_TOKEN"], "https://developer.paypal.com/braintree/docs/guides/extend/oauth/access-tokens", "access_token$production$", count=2),
        S("payments", "paypal-client-secret", simple("E", B64URL, 79), ["PAYPAL_CLIENT_SECRET"], "https://developer.paypal.com/api/rest/authentication/", count=2),
        S("payments", "shopify-access-token", simple("shpat_", HEX, 32), ["SHOPIFY_ACCESS_TOKEN"], "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens", "shpat_", count=3),
        S("payments", "shopify-shared-secret", simple("shpss_", HEX, 32), ["SHOPIFY_API_SECRET"], "https://shopify.dev/docs/apps/build/authentication-authorization", "shpss_", count=1),
        S("payments", "shopify-custom-app", simple("shpca_", HEX, 32), ["SHOPIFY_ADMIN_TOKEN"], "https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens", "shpca_", count=1),
        S("payments", "razorpay-key-secret", simple("", ALNUM, 24), ["RAZORPAY_KEY_SECRET"], "https://razorpay.com/docs/api/authentication/", count=2),
        S("payments", "paystack-secret-key", simple("sk_live_", HEX, 40), ["PAYSTACK_SECRET_KEY"], "https://paystack.com/docs/api/authentication/", "sk_live_", count=2),
        S("payments", "flutterwave-secret-key", flutterwave, ["FLW_SECRET_KEY"], "https://developer.flutterwave.com/docs/authentication", "FLWSECK-", count=2),
        S("payments", "plaid-secret", simple("", HEX, 30), ["PLAID_SECRET"], "https://plaid.com/docs/api/#api-keys-and-access", count=2),
        S("payments", "plaid-access-token", plaid_access, ["PLAID_ACCESS_TOKEN"], "https://plaid.com/docs/api/tokens/", "access-production-", count=1),
        S("payments", "adyen-api-key", adyen, ["ADYEN_API_KEY"], "https://docs.adyen.com/development-resources/api-credentials/", "AQE", fixed_len=False, count=2, unsure="Adyen keys open with AQE; the rest of the layout is approximated"),
        S("payments", "mollie-live-key", simple("live_", ALNUM, 30), ["MOLLIE_API_KEY"], "https://docs.mollie.com/reference/authentication", "live_", count=2),
        S("payments", "coinbase-commerce-key", uuid4, ["COINBASE_COMMERCE_API_KEY"], "https://docs.cdp.coinbase.com/commerce/docs/", count=1),
        # ---------------- observability
        S("observability", "datadog-api-key", simple("", HEX, 32), ["DD_API_KEY", "DATADOG_API_KEY"], "https://docs.datadoghq.com/account_management/api-app-keys/", count=3),
        S("observability", "datadog-app-key", simple("", HEX, 40), ["DD_APP_KEY", "DATADOG_APP_KEY"], "https://docs.datadoghq.com/account_management/api-app-keys/", count=2),
        S("observability", "newrelic-user-key", simple("NRAK-", UPPER + DIGITS, 27), ["NEW_RELIC_API_KEY"], "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/", "NRAK-", count=3),
        S("observability", "newrelic-license-key", newrelic_license, ["NEW_RELIC_LICENSE_KEY"], "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/", count=2),
        S("observability", "newrelic-insert-key", simple("NRII-", B64URL, 32), ["NEW_RELIC_INSERT_KEY"], "https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/", "NRII-", count=1),
        S("observability", "sentry-user-token", simple("sntryu_", HEX, 64), ["SENTRY_AUTH_TOKEN"], "https://docs.sentry.io/account/auth-tokens/", "sntryu_", count=2),
        S("observability", "sentry-org-token", sentry_org_token, ["SENTRY_AUTH_TOKEN"], "https://docs.sentry.io/account/auth-tokens/", "sntrys_", fixed_len=False, count=2),
        S("observability", "grafana-service-account", grafana_sa, ["GRAFANA_TOKEN", "GRAFANA_SERVICE_ACCOUNT_TOKEN"], "https://grafana.com/docs/grafana/latest/administration/service-accounts/", "glsa_", count=3),
        S("observability", "grafana-cloud-token", grafana_cloud, ["GRAFANA_CLOUD_API_KEY"], "https://grafana.com/docs/grafana-cloud/account-management/authentication-and-permissions/access-policies/", "glc_", fixed_len=False, count=2),
        S("observability", "honeycomb-api-key", simple("", ALNUM, 22), ["HONEYCOMB_API_KEY"], "https://docs.honeycomb.io/get-started/configure/environments/manage-api-keys/", count=2),
        S("observability", "dynatrace-token", dynatrace, ["DT_API_TOKEN", "DYNATRACE_API_TOKEN"], "https://docs.dynatrace.com/docs/dynatrace-api/basics/dynatrace-api-authentication", "dt0c01.", count=3),
        S("observability", "pagerduty-api-token", simple("u+", B64URL, 18), ["PAGERDUTY_TOKEN"], "https://support.pagerduty.com/main/docs/api-access-keys", count=2, unsure="u+ user-token prefix recalled; account keys are 20 characters"),
        S("observability", "pagerduty-routing-key", simple("", HEX, 32), ["PAGERDUTY_ROUTING_KEY", "PAGERDUTY_INTEGRATION_KEY"], "https://developer.pagerduty.com/docs/events-api-v2/overview/", count=1),
        S("observability", "rollbar-access-token", simple("", HEX, 32), ["ROLLBAR_ACCESS_TOKEN"], "https://docs.rollbar.com/docs/access-tokens", count=2),
        S("observability", "splunk-hec-token", uuid4, ["SPLUNK_HEC_TOKEN"], "https://docs.splunk.com/Documentation/Splunk/latest/Data/UsetheHTTPEventCollector", count=1),
        S("observability", "bugsnag-api-key", simple("", HEX, 32), ["BUGSNAG_API_KEY"], "https://docs.bugsnag.com/platforms/", count=1),
        # ---------------- ai
        S("ai", "openai-project-key", openai_project, ["OPENAI_API_KEY"], "https://platform.openai.com/docs/api-reference/authentication", "sk-proj-", fixed_len=False, count=4),
        S("ai", "openai-legacy-key", openai_legacy, ["OPENAI_API_KEY"], "https://platform.openai.com/docs/api-reference/authentication", "sk-", count=2),
        S("ai", "anthropic-api-key", anthropic, ["ANTHROPIC_API_KEY", "CLAUDE_API_KEY"], "https://docs.anthropic.com/en/api/getting-started", "sk-ant-api03-", count=4),
        S("ai", "cohere-api-key", simple("", ALNUM, 40), ["CO_API_KEY", "COHERE_API_KEY"], "https://docs.cohere.com/reference/about", count=2),
        S("ai", "groq-api-key", simple("gsk_", ALNUM, 52), ["GROQ_API_KEY"], "https://console.groq.com/docs/quickstart", "gsk_", count=3),
        S("ai", "huggingface-token", simple("hf_", UPPER + LOWER, 34), ["HF_TOKEN", "HUGGINGFACEHUB_API_TOKEN", "HUGGING_FACE_HUB_TOKEN"], "https://huggingface.co/docs/hub/security-tokens", "hf_", count=4),
        S("ai", "replicate-api-token", simple("r8_", ALNUM, 37), ["REPLICATE_API_TOKEN"], "https://replicate.com/docs/reference/http#authentication", "r8_", count=3),
        S("ai", "perplexity-api-key", simple("pplx-", ALNUM, 48), ["PERPLEXITY_API_KEY", "PPLX_API_KEY"], "https://docs.perplexity.ai/guides/getting-started", "pplx-", count=2),
        S("ai", "xai-api-key", simple("xai-", ALNUM, 80), ["XAI_API_KEY"], "https://docs.x.ai/docs/overview", "xai-", count=2),
        S("ai", "mistral-api-key", simple("", ALNUM, 32), ["MISTRAL_API_KEY"], "https://docs.mistral.ai/getting-started/quickstart/", count=2),
        S("ai", "gemini-api-key", gcp_api_key, ["GEMINI_API_KEY", "GOOGLE_GENAI_API_KEY"], "https://ai.google.dev/gemini-api/docs/api-key", "AIza", count=2),
        S("ai", "openrouter-api-key", simple("sk-or-v1-", HEX, 64), ["OPENROUTER_API_KEY"], "https://openrouter.ai/docs/api-reference/authentication", "sk-or-v1-", count=2),
        S("ai", "langsmith-api-key", langsmith, ["LANGSMITH_API_KEY", "LANGCHAIN_API_KEY"], "https://docs.smith.langchain.com/administration/how_to_guides/organization_management/create_account_api_key", "lsv2_pt_", count=2),
        S("ai", "pinecone-api-key", pinecone, ["PINECONE_API_KEY"], "https://docs.pinecone.io/guides/projects/manage-api-keys", "pcsk_", count=1, unsure="pcsk_ layout recalled"),
        S("ai", "together-api-key", simple("", HEX, 64), ["TOGETHER_API_KEY"], "https://docs.together.ai/reference/authentication-1", count=1),
        S("ai", "elevenlabs-api-key", simple("sk_", HEX, 48), ["ELEVENLABS_API_KEY", "XI_API_KEY"], "https://elevenlabs.io/docs/api-reference/authentication", "sk_", count=1, unsure="sk_ + 48 hex recalled"),
        # ---------------- saas
        S("saas", "okta-api-token", okta, ["OKTA_API_TOKEN", "OKTA_CLIENT_TOKEN"], "https://developer.okta.com/docs/guides/create-an-api-token/main/", count=3),
        S("saas", "auth0-client-secret", simple("", B64URL, 64), ["AUTH0_CLIENT_SECRET"], "https://auth0.com/docs/get-started/applications/application-settings", count=2),
        S("saas", "airtable-pat", airtable_pat, ["AIRTABLE_API_KEY", "AIRTABLE_TOKEN"], "https://airtable.com/developers/web/guides/personal-access-tokens", "pat", count=2),
        S("saas", "notion-token", notion_new, ["NOTION_TOKEN", "NOTION_API_KEY"], "https://developers.notion.com/docs/authorization", "ntn_", count=2),
        S("saas", "notion-token-legacy", simple("secret_", ALNUM, 43), ["NOTION_TOKEN"], "https://developers.notion.com/docs/authorization", "secret_", count=1),
        S("saas", "linear-api-key", simple("lin_api_", ALNUM, 40), ["LINEAR_API_KEY"], "https://linear.app/developers/graphql#personal-api-keys", "lin_api_", count=2),
        S("saas", "figma-pat", simple("figd_", B64URL, 40), ["FIGMA_TOKEN", "FIGMA_ACCESS_TOKEN"], "https://www.figma.com/developers/api#access-tokens", "figd_", count=2),
        S("saas", "hubspot-private-app", hubspot, ["HUBSPOT_ACCESS_TOKEN", "HUBSPOT_PRIVATE_APP_TOKEN"], "https://developers.hubspot.com/docs/api/private-apps", "pat-", count=2),
        S("saas", "mapbox-secret-token", mapbox_secret, ["MAPBOX_SECRET_TOKEN", "MAPBOX_DOWNLOADS_TOKEN"], "https://docs.mapbox.com/accounts/guides/tokens/", "sk.eyJ", fixed_len=False, count=2),
        S("saas", "algolia-admin-key", simple("", HEX, 32), ["ALGOLIA_ADMIN_KEY", "ALGOLIA_API_KEY"], "https://www.algolia.com/doc/guides/security/api-keys/", count=2),
        S("saas", "twitch-client-secret", simple("", LOWER + DIGITS, 30), ["TWITCH_CLIENT_SECRET"], "https://dev.twitch.tv/docs/authentication/register-app/", count=1),
        S("saas", "dropbox-access-token", simple("sl.", B64URL, 135), ["DROPBOX_ACCESS_TOKEN"], "https://developers.dropbox.com/oauth-guide", "sl.", fixed_len=False, count=2),
        S("saas", "contentful-pat", simple("CFPAT-", B64URL, 43), ["CONTENTFUL_MANAGEMENT_TOKEN"], "https://www.contentful.com/developers/docs/references/authentication/", "CFPAT-", count=2),
        S("saas", "launchdarkly-sdk-key", launchdarkly("sdk"), ["LAUNCHDARKLY_SDK_KEY", "LD_SDK_KEY"], "https://docs.launchdarkly.com/sdk/concepts/client-side-server-side#keys", "sdk-", count=2),
        S("saas", "launchdarkly-api-token", launchdarkly("api"), ["LAUNCHDARKLY_ACCESS_TOKEN"], "https://docs.launchdarkly.com/home/account/api", "api-", count=1),
        S("saas", "asana-pat", asana, ["ASANA_ACCESS_TOKEN"], "https://developers.asana.com/docs/personal-access-token", count=1),
        S("saas", "zendesk-api-token", simple("", ALNUM, 40), ["ZENDESK_API_TOKEN"], "https://developer.zendesk.com/api-reference/introduction/security-and-auth/", count=1),
        S("saas", "salesforce-access-token", salesforce, ["SALESFORCE_ACCESS_TOKEN", "SF_ACCESS_TOKEN"], "https://help.salesforce.com/s/articleView?id=sf.remoteaccess_access_tokens.htm", "00D", fixed_len=False, count=1),
        S("saas", "twitter-bearer-token", twitter_bearer, ["TWITTER_BEARER_TOKEN", "X_BEARER_TOKEN"], "https://developer.x.com/en/docs/authentication/oauth-2-0/bearer-tokens", "AAAAAAAAAAAAAAAAAAAAA", fixed_len=False, count=2),
        S("saas", "planetscale-token", simple("pscale_tkn_", B64URL, 43), ["PLANETSCALE_SERVICE_TOKEN"], "https://planetscale.com/docs/concepts/service-tokens", "pscale_tkn_", count=1),
        S("saas", "easypost-api-key", simple("EZAK", ALNUM, 54), ["EASYPOST_API_KEY"], "https://docs.easypost.com/docs/authentication", "EZAK", count=1),
        S("saas", "typeform-pat", simple("tfp_", B64URL, 44), ["TYPEFORM_TOKEN"], "https://www.typeform.com/developers/get-started/personal-access-token/", "tfp_", count=1, unsure="tfp_ body length approximated"),
        S("saas", "clickup-token", lambda r: f"pk_{rs(r, DIGITS, 8)}_{rs(r, UPPER + DIGITS, 32)}", ["CLICKUP_API_TOKEN"], "https://clickup.com/api/developer-portal/authentication/", "pk_", count=1),
    ]
