#!/usr/bin/env python3
"""Write a labelled secret-scanning corpus: `generate.py OUTDIR`.

Why: an accuracy benchmark for leaktrap that measures the tool against the world rather
than against its own rules. Every planted value is generated here, at run time, in the
format its provider documents (formats.py), inside a file that looks like ordinary code or
configuration (langs.py and the document builders below). Nothing secret-looking is stored
in the repository.

Output: OUTDIR/corpus/... (the files to scan) and OUTDIR/labels.json, one entry per
labelled line: {"file", "line", "family", "kind": "positive"|"negative", "provider", "note"}
(plus "end_line" for items that span several lines, such as PEM blocks). Lines that carry
no label are background. The run is deterministic: a fixed seed drives every choice.
"""

import json
import os
import random
import re
import struct
import sys

sys.dont_write_bytecode = True  # importing the sibling modules leaves no __pycache__ in the repo
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from formats import (ALNUM, B64URL, DIGITS, HEX, LOWER, UPPER, Spec, b64, b64url_nopad,  # noqa: E402
                     crc32_b62, jwt, rbytes, rs, specs, uuid4)
from langs import LANG_WEIGHTS, LANGS, WORDS  # noqa: E402

SEED = 20240917
PUNCT = "!#%&*+-=?@^_~.,:;"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------- documents and labels

class Doc:
    """One corpus file built line by line, with labels on the lines that carry items."""

    def __init__(self, path):
        self.path = path
        self.lines = []
        self.labels = []

    def bg(self, *chunks):
        """Append background lines (each chunk may hold several lines)."""
        for chunk in chunks:
            self.lines.extend(chunk.split("\n"))

    def label(self, line, kind, family, provider, note, extra_lines=()):
        """Append `line` (and any continuation lines) and label it."""
        assert "\n" not in line, (self.path, line)
        self.lines.append(line)
        entry = {"file": self.path, "line": len(self.lines), "family": family, "kind": kind,
                 "provider": provider, "note": note}
        for extra in extra_lines:
            self.lines.append(extra)
        if extra_lines:
            entry["end_line"] = len(self.lines)
        self.labels.append(entry)

    def pos(self, line, family, provider, note, extra_lines=()):
        self.label(line, "positive", family, provider, note, extra_lines)

    def neg(self, line, family, provider, note):
        self.label(line, "negative", family, provider, note)

    def text(self):
        return "\n".join(self.lines) + "\n"


class Corpus:
    """All documents; checks that paths are unique and writes files plus labels.json."""

    def __init__(self):
        self.docs = {}

    def new(self, path):
        assert path not in self.docs, path
        doc = Doc(path)
        self.docs[path] = doc
        return doc

    def unique_path(self, r, patterns):
        """A not-yet-used path from patterns ({m} module word, {F} its PascalCase)."""
        for _ in range(200):
            word = r.choice(WORDS)
            path = r.choice(patterns).replace("{m}", word).replace("{F}", word.title())
            if path not in self.docs:
                return path, word
        raise RuntimeError("ran out of paths for %r" % patterns)

    def write(self, outdir):
        root = os.path.join(outdir, "corpus")
        labels = []
        for path, doc in sorted(self.docs.items()):
            full = os.path.join(root, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(doc.text())
            labels.extend(doc.labels)
        seen = set()
        for entry in labels:
            key = (entry["file"], entry["line"])
            assert key not in seen, key
            seen.add(key)
        with open(os.path.join(outdir, "labels.json"), "w", encoding="utf-8") as fh:
            json.dump(labels, fh, indent=1)
        return labels


# ---------------------------------------------------------------- secret-ish values

def password(r):
    """A password of the kinds people really set: random with punctuation, or memorable."""
    style = r.choice(["random", "random", "words", "season", "leet"])
    if style == "random":
        core = rs(r, ALNUM, r.randint(10, 18))
        pos = sorted(r.sample(range(len(core)), 3))
        chars = list(core)
        for p in pos:
            chars[p] = r.choice(PUNCT)
        return "".join(chars)
    if style == "words":
        w = ["Harbor", "violet", "Copper", "falcon", "Meadow", "quartz", "Lantern", "orbit", "Saffron", "tundra"]
        return f"{r.choice(w)}{r.choice('-_.!')}{r.choice(w)}{r.randint(10, 99)}{r.choice('!?#')}"
    if style == "season":
        return f"{r.choice(['Summer', 'Winter', 'Autumn', 'Spring'])}{r.randint(2019, 2025)}{r.choice('!#@')}{rs(r, UPPER, 2)}"
    return f"{r.choice(['P', 'p'])}@{rs(r, LOWER, 2)}w0rd{rs(r, DIGITS, 3)}{r.choice(PUNCT)}{rs(r, ALNUM, 4)}"


def cs_password(r):
    """A password for key=value connection strings: no ';', ',' or '&' (they delimit fields)."""
    return password(r).replace(";", "!").replace(",", ".").replace("&", "+")


def url_password(r):
    """A password safe inside a URL's userinfo (unreserved characters, maybe one %-escape)."""
    pw = rs(r, ALNUM, r.randint(12, 24))
    if r.random() < 0.4:
        i = r.randint(1, len(pw) - 1)
        pw = pw[:i] + r.choice(["%21", "%40", "%23", "-", ".", "_", "~"]) + pw[i:]
    return pw


USERS = ["app", "svc_billing", "deploy", "orders_rw", "etl", "reporting", "api", "jenkins", "grafana", "admin"]
HOSTS = ["db.internal.acme-corp.net", "10.20.4.17", "orders-prod.c9akciq32xyz.eu-west-1.rds.amazonaws.com",
         "pg-main.northwind.io", "mysql-01.prod.acme-corp.net", "cache.acme-corp.net"]


def wrap(text, width):
    return [text[i:i + width] for i in range(0, len(text), width)]


def der_len(n):
    return bytes([n]) if n < 128 else (b"\x81" + bytes([n]) if n < 256 else b"\x82" + struct.pack(">H", n))


def rsa_der(r):
    """Bytes shaped like a PKCS#1 RSA-2048 private key (the header is real, the rest random)."""
    return bytes.fromhex("308204a40201000282010100") + rbytes(r, 1180)


def pkcs8_rsa_der(r):
    return bytes.fromhex("308204be020100300d06092a864886f70d0101010500048204a8308204a40201000282010100") + rbytes(r, 1180)


def ec_der(r):
    return (bytes.fromhex("30770201010420") + rbytes(r, 32) +
            bytes.fromhex("a00a06082a8648ce3d030107a144034200") + b"\x04" + rbytes(r, 64))


def dsa_der(r):
    return bytes.fromhex("308201bb02010002818100") + rbytes(r, 430)


def ssh_string(data):
    return struct.pack(">I", len(data)) + data


def openssh_ed25519(r, comment=b"deploy@build-01"):
    """An unencrypted openssh-key-v1 blob for ed25519, laid out as OpenSSH writes it."""
    pub, sec = rbytes(r, 32), rbytes(r, 32)
    pubblob = ssh_string(b"ssh-ed25519") + ssh_string(pub)
    check = rbytes(r, 4)
    priv = check + check + pubblob + ssh_string(sec + pub) + ssh_string(comment)
    pad = 1
    while len(priv) % 8:
        priv += bytes([pad])
        pad += 1
    return (b"openssh-key-v1\x00" + ssh_string(b"none") + ssh_string(b"none") + ssh_string(b"") +
            struct.pack(">I", 1) + ssh_string(pubblob) + ssh_string(priv))


def crc24(data):
    crc = 0xB704CE
    for byte in data:
        crc ^= byte << 16
        for _ in range(8):
            crc <<= 1
            if crc & 0x1000000:
                crc ^= 0x1864CFB
    return crc & 0xFFFFFF


def pem(label, der, width=64):
    return [f"-----BEGIN {label}-----"] + wrap(b64(der), width) + [f"-----END {label}-----"]


def pgp_private(r):
    body = b"\x95\x03\xc6\x04" + struct.pack(">I", 1_690_000_000 + r.randint(0, 10**7)) + rbytes(r, 900)
    lines = ["-----BEGIN PGP PRIVATE KEY BLOCK-----", ""] + wrap(b64(body), 64)
    lines.append("=" + b64(crc24(body).to_bytes(3, "big")))
    lines.append("-----END PGP PRIVATE KEY BLOCK-----")
    return lines


def private_key_lines(r, kind):
    """PEM lines for one private key kind."""
    if kind == "rsa":
        return pem("RSA PRIVATE KEY", rsa_der(r))
    if kind == "pkcs8":
        return pem("PRIVATE KEY", pkcs8_rsa_der(r))
    if kind == "ec":
        return pem("EC PRIVATE KEY", ec_der(r))
    if kind == "dsa":
        return pem("DSA PRIVATE KEY", dsa_der(r))
    if kind == "openssh":
        return pem("OPENSSH PRIVATE KEY", openssh_ed25519(r), 70)
    if kind == "pgp":
        return pgp_private(r)
    raise ValueError(kind)


def cert_lines(r):
    return pem("CERTIFICATE", bytes.fromhex("308203") + rbytes(r, 860))


def public_key_lines(r):
    return pem("PUBLIC KEY", bytes.fromhex("30820122300d06092a864886f70d01010105000382010f00") + rbytes(r, 270))


def sha_hex(r, n=64):
    return rs(r, HEX, n)


def bcryptish(r, prefix="$2b$12$"):
    return prefix + rs(r, ALNUM + "./", 53)


def crypt_hash(r, scheme):
    """crypt(3) strings: $1$ md5, $5$ sha256, $6$ sha512, $2b$ bcrypt, $y$ yescrypt, $apr1$."""
    c64 = ALNUM + "./"
    if scheme == "1":
        return f"$1${rs(r, c64, 8)}${rs(r, c64, 22)}"
    if scheme == "apr1":
        return f"$apr1${rs(r, c64, 8)}${rs(r, c64, 22)}"
    if scheme == "5":
        return f"$5${rs(r, c64, 16)}${rs(r, c64, 43)}"
    if scheme == "6":
        return f"$6${rs(r, c64, 16)}${rs(r, c64, 86)}"
    if scheme == "2b":
        return bcryptish(r, r.choice(["$2b$12$", "$2y$10$", "$2a$11$"]))
    if scheme == "y":
        return f"$y$j9T${rs(r, c64, 22)}${rs(r, c64, 43)}"
    raise ValueError(scheme)


# ---------------------------------------------------------------- extra specs (built here)

def url_specs():
    """Credential-bearing URLs: family urls-with-passwords."""
    def url(scheme, port, path="", user=None, host=None):
        def gen(r):
            u = user or r.choice(USERS)
            h = host or r.choice(HOSTS)
            return f"{scheme}://{u}:{url_password(r)}@{h}{port}{path}"
        return gen

    def mongo_srv(r):
        return (f"mongodb+srv://{r.choice(USERS)}:{url_password(r)}@cluster0.{rs(r, LOWER + DIGITS, 5)}"
                f".mongodb.net/{r.choice(['orders', 'catalog'])}?retryWrites=true&w=majority")

    def redis_nouser(r):
        return f"redis://:{url_password(r)}@{r.choice(HOSTS)}:6379/0"

    def jdbc_pg(r):
        return f"jdbc:postgresql://{r.choice(HOSTS)}:5432/orders?user={r.choice(USERS)}&password={url_password(r)}&ssl=true"

    def jdbc_mysql(r):
        return f"jdbc:mysql://{r.choice(HOSTS)}:3306/catalog?user={r.choice(USERS)}&password={url_password(r)}&useSSL=true"

    PG = "https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS"
    MONGO = "https://www.mongodb.com/docs/manual/reference/connection-string/"
    F = "urls-with-passwords"
    return [
        Spec(F, "postgres-url", url("postgres", ":5432", "/orders"), ["DATABASE_URL", "POSTGRES_URL"], PG, count=5),
        Spec(F, "postgresql-url", url("postgresql", ":5432", "/app?sslmode=require"), ["DATABASE_URL", "SQLALCHEMY_DATABASE_URI"], PG, count=4),
        Spec(F, "mysql-url", url("mysql", ":3306", "/catalog"), ["MYSQL_URL", "DATABASE_URL"], "https://dev.mysql.com/doc/refman/8.0/en/connecting-using-uri-or-key-value-pairs.html", count=4),
        Spec(F, "mongodb-url", url("mongodb", ":27017", "/admin?authSource=admin"), ["MONGO_URL", "MONGODB_URI"], MONGO, count=3),
        Spec(F, "mongodb-srv-url", mongo_srv, ["MONGODB_URI", "MONGO_URI"], MONGO, count=4),
        Spec(F, "redis-url", redis_nouser, ["REDIS_URL", "CELERY_BROKER_URL"], "https://www.iana.org/assignments/uri-schemes/prov/redis", count=3),
        Spec(F, "rediss-url", url("rediss", ":6380", "/0", user="default"), ["REDIS_URL", "CACHE_URL"], "https://www.iana.org/assignments/uri-schemes/prov/rediss", count=3),
        Spec(F, "amqp-url", url("amqp", ":5672", "/orders"), ["AMQP_URL", "RABBITMQ_URL", "CELERY_BROKER_URL"], "https://www.rabbitmq.com/docs/uri-spec", count=3),
        Spec(F, "amqps-url", url("amqps", ":5671", "/%2f"), ["CLOUDAMQP_URL"], "https://www.rabbitmq.com/docs/uri-spec", count=2),
        Spec(F, "mssql-url", url("mssql", ":1433", "/reporting"), ["MSSQL_URL", "SQLSERVER_URL"], "https://learn.microsoft.com/sql/connect/", count=2),
        Spec(F, "sqlserver-url", url("sqlserver", ":1433", "?database=reporting"), ["SQLSERVER_DSN"], "https://pkg.go.dev/github.com/microsoft/go-mssqldb", count=2),
        Spec(F, "jdbc-postgres-url", jdbc_pg, ["JDBC_URL", "SPRING_DATASOURCE_URL"], "https://jdbc.postgresql.org/documentation/use/", count=3),
        Spec(F, "jdbc-mysql-url", jdbc_mysql, ["JDBC_URL"], "https://dev.mysql.com/doc/connector-j/en/connector-j-reference-jdbc-url-format.html", count=2),
        Spec(F, "ftp-url", url("ftp", ":21", "/outgoing/", host="ftp.partner-logistics.net"), ["FTP_URL", "SUPPLIER_FTP"], "https://www.rfc-editor.org/rfc/rfc1738", count=2),
        Spec(F, "sftp-url", url("sftp", ":22", "/upload", host="sftp.bank-feeds.net"), ["SFTP_URL"], "https://datatracker.ietf.org/doc/html/draft-ietf-secsh-scp-sftp-ssh-uri-04", count=1),
        Spec(F, "smtp-url", url("smtp", ":587", "", host="smtp.mailprovider.net"), ["SMTP_URL", "EMAIL_URL"], "https://github.com/jacobian/dj-email-url", count=2),
        Spec(F, "smtps-url", url("smtps", ":465", "", host="smtp.office365.com"), ["EMAIL_URL"], "https://github.com/jacobian/dj-email-url", count=1),
        Spec(F, "ldap-url", url("ldaps", ":636", "/dc=acme,dc=net", user="svc-ldap", host="ldap.acme-corp.net"), ["LDAP_URL"], "https://www.rfc-editor.org/rfc/rfc4516", count=1),
        Spec(F, "https-basic-auth-url", url("https", "", "/repository/pypi-internal/simple", user="ci-reader", host="nexus.acme-corp.net"), ["PIP_INDEX_URL", "NEXUS_URL"], "https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1", count=3),
        Spec(F, "http-basic-auth-url", url("http", ":9200", "", user="elastic", host="search.internal.acme-corp.net"), ["ELASTICSEARCH_URL"], "https://www.rfc-editor.org/rfc/rfc3986#section-3.2.1", count=2),
    ]


def connstring_specs():
    """Key=value connection strings that embed a password or key: family connection-strings."""
    def ado(r):
        return (f"Server=tcp:{rs(r, LOWER, 8)}.database.windows.net,1433;Initial Catalog=orders;Persist Security Info=False;"
                f"User ID={r.choice(USERS)};Password={cs_password(r)};MultipleActiveResultSets=False;Encrypt=True;")

    def ado_ds(r):
        return f"Data Source=sql01.acme-corp.net;Initial Catalog=Reporting;User Id=report_ro;Password={cs_password(r)};"

    def odbc(r):
        return (f"Driver={{ODBC Driver 18 for SQL Server}};Server=sql02.acme-corp.net;Database=ledger;"
                f"UID={r.choice(USERS)};PWD={cs_password(r)};Encrypt=yes;")

    def npgsql(r):
        return f"Host=pg-main.northwind.io;Port=5432;Database=app;Username={r.choice(USERS)};Password={cs_password(r)}"

    def mysqlnet(r):
        return f"Server=mysql-01.prod.acme-corp.net;Database=shop;Uid=shop_rw;Pwd={cs_password(r)};SslMode=Required;"

    def oracle(r):
        return f"Data Source=ora-prod:1521/ORCLPDB1;User Id=FINANCE_APP;Password={cs_password(r)};"

    def servicebus(r):
        return (f"Endpoint=sb://{rs(r, LOWER, 9)}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;"
                f"SharedAccessKey={b64(rbytes(r, 32))}")

    def eventhub(r):
        return (f"Endpoint=sb://{rs(r, LOWER, 9)}.servicebus.windows.net/;SharedAccessKeyName=send;"
                f"SharedAccessKey={b64(rbytes(r, 32))};EntityPath=telemetry")

    def iothub(r):
        return f"HostName={rs(r, LOWER, 8)}.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey={b64(rbytes(r, 32))}"

    def signalr(r):
        return f"Endpoint=https://{rs(r, LOWER, 8)}.service.signalr.net;AccessKey={b64(rbytes(r, 32))};Version=1.0;"

    def azredis(r):
        return f"{rs(r, LOWER, 8)}.redis.cache.windows.net:6380,password={b64(rbytes(r, 32))},ssl=True,abortConnect=False"

    def appconfig(r):
        return f"Endpoint=https://{rs(r, LOWER, 8)}.azconfig.io;Id={rs(r, ALNUM, 4)}-l0-s0:{rs(r, ALNUM, 20)};Secret={b64(rbytes(r, 32))}"

    def cosmos(r):
        return f"AccountEndpoint=https://{rs(r, LOWER, 8)}.documents.azure.com:443/;AccountKey={b64(rbytes(r, 64))};"

    def jdbc_sqlserver(r):
        return f"jdbc:sqlserver://sql03.acme-corp.net:1433;databaseName=hr;user=hr_app;password={cs_password(r)};encrypt=true"

    F = "connection-strings"
    SQL = "https://learn.microsoft.com/dotnet/api/system.data.sqlclient.sqlconnection.connectionstring"
    SB = "https://learn.microsoft.com/azure/service-bus-messaging/service-bus-dotnet-get-started-with-queues"
    return [
        Spec(F, "adonet-sqlserver", ado, ["ConnectionStrings__Default", "SQL_CONNECTION_STRING", "DB_CONNECTION"], SQL, count=5),
        Spec(F, "adonet-datasource", ado_ds, ["ReportingConnection", "SQLAZURECONNSTR_Reporting"], SQL, count=3),
        Spec(F, "odbc", odbc, ["ODBC_CONNECTION_STRING", "LEDGER_DSN"], "https://learn.microsoft.com/sql/connect/odbc/dsn-connection-string-attribute", count=3),
        Spec(F, "npgsql", npgsql, ["ConnectionStrings__Postgres", "PG_CONNECTION"], "https://www.npgsql.org/doc/connection-string-parameters.html", count=3),
        Spec(F, "mysql-connector-net", mysqlnet, ["MYSQL_CONNECTION_STRING"], "https://dev.mysql.com/doc/connector-net/en/connector-net-connections-string.html", count=2),
        Spec(F, "oracle-odp", oracle, ["ORACLE_CONNECTION_STRING"], "https://docs.oracle.com/en/database/oracle/oracle-database/21/odpnt/featConnecting.html", count=2),
        Spec(F, "jdbc-sqlserver", jdbc_sqlserver, ["JDBC_URL", "HR_DB_URL"], "https://learn.microsoft.com/sql/connect/jdbc/building-the-connection-url", count=2),
        Spec(F, "azure-service-bus", servicebus, ["SERVICEBUS_CONNECTION_STRING", "AzureServiceBus"], SB, count=3),
        Spec(F, "azure-event-hub", eventhub, ["EVENTHUB_CONNECTION_STRING"], "https://learn.microsoft.com/azure/event-hubs/event-hubs-get-connection-string", count=2),
        Spec(F, "azure-iot-hub", iothub, ["IOTHUB_CONNECTION_STRING"], "https://learn.microsoft.com/azure/iot-hub/iot-hub-dev-guide-sas", count=1),
        Spec(F, "azure-signalr", signalr, ["Azure__SignalR__ConnectionString"], "https://learn.microsoft.com/azure/azure-signalr/concept-connection-string", count=1),
        Spec(F, "azure-redis", azredis, ["REDIS_CONNECTION_STRING", "ConnectionStrings__Redis"], "https://learn.microsoft.com/azure/azure-cache-for-redis/cache-dotnet-how-to-use-azure-redis-cache", count=2),
        Spec(F, "azure-app-configuration", appconfig, ["APPCONFIG_CONNECTION_STRING"], "https://learn.microsoft.com/azure/azure-app-configuration/howto-best-practices", count=1),
        Spec(F, "azure-cosmosdb", cosmos, ["COSMOS_CONNECTION_STRING"], "https://learn.microsoft.com/azure/cosmos-db/nosql/how-to-dotnet-get-started", count=2),
    ]


def misc_specs():
    """Passwords assigned to well-named variables, and JWTs: generic code placements."""
    pw_names = ["DB_PASSWORD", "DATABASE_PASSWORD", "ADMIN_PASSWORD", "SMTP_PASSWORD", "REDIS_PASSWORD",
                "LDAP_BIND_PASSWORD", "KEYSTORE_PASSWORD", "MYSQL_ROOT_PASSWORD", "POSTGRES_PASSWORD",
                "RABBITMQ_DEFAULT_PASS", "API_SECRET", "CLIENT_SECRET", "SFTP_PASSWORD", "JENKINS_PASSWORD",
                "MAIL_PASSWORD", "PASSWD", "DB_PASS", "SERVICE_ACCOUNT_PASSWORD"]
    return [
        Spec("passwords-in-code", "password-assignment", password, pw_names,
             "https://cwe.mitre.org/data/definitions/798.html", count=36),
        Spec("jwt", "jwt-hs256", jwt, ["API_JWT", "SERVICE_TOKEN", "AUTH_TOKEN", "BEARER_TOKEN"],
             "https://www.rfc-editor.org/rfc/rfc7519", "eyJ", fixed_len=False, count=6),
        Spec("jwt", "jwt-rs256", lambda r: jwt(r, "RS256"), ["ID_TOKEN", "ACCESS_TOKEN", "INTERNAL_API_TOKEN"],
             "https://www.rfc-editor.org/rfc/rfc7519", "eyJ", fixed_len=False, count=4),
    ]


# ---------------------------------------------------------------- negatives for a spec

def placeholder_for(spec, r):
    """A value that stands in for the credential without being one."""
    if spec.family in ("urls-with-passwords", "connection-strings"):
        return templated_credential(spec, r), "placeholder credential in the documented shape"
    if spec.prefix and spec.fixed_len:
        sample = spec.gen(r)
        return spec.prefix + "X" * (len(sample) - len(spec.prefix)), "placeholder of X characters in the documented shape"
    env = spec.names[0]
    choices = [f"your_{env.lower()}_here", f"<{env.lower().replace('_', '-')}>", "changeme", "REPLACE_ME",
               f"YOUR_{env}", "xxxxxxxxxxxxxxxxxxxxxxxx", "********", "TODO", "dummy", f"%({env.lower()})s",
               f"{{{{ {env.lower()} }}}}", "<redacted>"]
    if spec.prefix and spec.family not in ("urls-with-passwords", "connection-strings"):
        choices += [spec.prefix + "xxxxxxxxxxxxxxxxxxxxxxxx", spec.prefix + "your-key-here", spec.prefix + "..."]
    return r.choice(choices), "placeholder"


SECRET_PART = [
    (re.compile(r"(//[^:/@\s]*:)[^@\s]+(@)"), "userinfo password"),
    (re.compile(r"((?:[Pp]assword|PWD|Pwd|SharedAccessKey|AccessKey|AccountKey|Secret)=)[^;,&]+"), "key=value secret"),
]
CRED_PLACEHOLDERS = ["<password>", "${DB_PASSWORD}", "PASSWORD", "changeme", "********", "%s", "{password}",
                     "<your-key>", "$(SECRET)", "REPLACE_ME"]


def templated_credential(spec, r):
    """A URL or connection string of the spec's shape whose secret part is a placeholder."""
    value = spec.gen(r)
    ph = r.choice(CRED_PLACEHOLDERS)
    for pattern, _ in SECRET_PART:
        if pattern.search(value):
            return pattern.sub(lambda m: m.group(1) + ph + (m.group(2) if m.lastindex and m.lastindex > 1 else ""), value, count=1)
    return value


def lookalike_for(spec, r):
    """A value shaped almost like the format but not one: wrong length, truncated, masked."""
    value = spec.gen(r)
    p = len(spec.prefix)
    options = [(value[:p + 4] + "…", "truncated for display"),
               (value[:p + 6] + "...", "truncated for display"),
               (spec.prefix + "*" * max(8, len(value) - p), "masked")]
    if spec.fixed_len:
        options.append((value[:p + (len(value) - p) // 2], "wrong length (half the documented length)"))
    if spec.prefix.startswith("gh") or spec.prefix == "npm_":
        body = value[p:-6]
        bad = crc32_b62(body + "x")
        options.append((spec.prefix + body + bad, "CRC32 suffix does not match the random part"))
    return r.choice(options)


# ---------------------------------------------------------------- code files from items

class Item:
    """One planted line waiting for a file: a value for a name, or a ready-made line."""

    def __init__(self, kind, family, provider, note, env=None, value=None, ref=False, line=None, lang=None):
        self.kind, self.family, self.provider, self.note = kind, family, provider, note
        self.env, self.value, self.ref, self.line, self.lang = env, value, ref, line, lang
        self.before, self.after = [], []
        if line is not None:
            self.before, self.line, self.after = statement_context(lang, line)


def statement_context(lang, line):
    """Lines around a ready-made line so that it sits where such code really lives."""
    if lang == "python":
        body = ['        raise ValueError("passwords differ")'] if line.endswith(":") else []
        return ["", "def configure(request, user, confirm_password):"], "    " + line, body + ["    return user", ""]
    if lang in ("javascript", "typescript"):
        return ["", "async function configure(req, user, uri) {"], "  " + line, ["}", ""]
    if lang == "go":
        body = ["		return errPasswordTooShort", "	}"] if line.endswith("{") else []
        return ["", "func configure(password string, minPasswordLen int) error {"], line, body + ["	return nil", "}", ""]
    if lang == "java":
        return ["", "    static void configure(Properties props, HikariDataSource ds, String url) throws Exception {"], line, ["    }", ""]
    if lang == "csharp":
        return ["", "        public static void Configure(WebClient client)", "        {"], line, ["        }", ""]
    if lang == "rust":
        return ["", "async fn connect() -> anyhow::Result<()> {"], line, ["    Ok(())", "}", ""]
    if lang == "php" and line.startswith("    '"):
        return ["", "$config = ["], line, ["];", ""]
    if lang == "ruby" and line.startswith("  password:"):
        return ["", "Rails.application.config.action_mailer.smtp_settings = {", "  address: 'smtp.mailprovider.net',"], line, ["}", ""]
    if lang == "ruby" and line.startswith("validates"):
        return ["", "class User < ApplicationRecord"], "  " + line, ["end", ""]
    return [], line, []


def spec_items(all_specs, r):
    """Positives (count per spec) and two hard negatives per spec."""
    items = []
    for spec in all_specs:
        note = f"format per {spec.doc}" + (f"; unsure: {spec.unsure}" if spec.unsure else "")
        for _ in range(spec.count):
            items.append(Item("positive", spec.family, spec.provider, note, r.choice(spec.names), spec.gen(r)))
        n_neg = 2 if spec.family != "passwords-in-code" else 0
        for i in range(n_neg):
            env = r.choice(spec.names)
            roll = r.random()
            if i == 0 and roll < 0.5:
                items.append(Item("negative", spec.family, spec.provider,
                                  "reference to the environment or a secret store, not a value", env, ref=True))
            elif spec.prefix and spec.family not in ("urls-with-passwords", "connection-strings"):
                value, why = lookalike_for(spec, r) if i == 1 else placeholder_for(spec, r)
                items.append(Item("negative", spec.family, spec.provider, f"{why} of {spec.provider}", env, value))
            else:
                value, why = placeholder_for(spec, r)
                items.append(Item("negative", spec.family, spec.provider, f"{why} for {spec.provider}", env, value))
    return items


def ready_lines(r):
    """Language-specific planted lines: passwords in calls and literals, and non-secret look-alikes."""
    P = "passwords-in-code"
    W = "https://cwe.mitre.org/data/definitions/259.html"
    pos = {
        "python": ['conn = psycopg2.connect(host="db.internal", dbname="orders", user="orders_rw", password="{pw}")',
                   'client = Redis(host="cache.acme-corp.net", port=6379, password="{pw}")',
                   'DEFAULTS = {{"user": "etl", "password": "{pw}", "host": "10.20.4.17"}}',
                   'smtp.login("alerts@acme-corp.net", "{pw}")',
                   'engine = create_engine(URL.create("postgresql", username="app", password="{pw}", host="pg-main"))'],
        "javascript": ["const pool = mysql.createPool({{ host: 'mysql-01', user: 'shop', password: '{pw}' }});",
                       "const transporter = nodemailer.createTransport({{ auth: {{ user: 'noreply@acme-corp.net', pass: '{pw}' }} }});",
                       "await mongoose.connect(uri, {{ user: 'catalog', pass: '{pw}' }});"],
        "typescript": ["const credentials: Credentials = {{ username: 'svc-report', password: '{pw}' }};",
                       "this.ldap.bind('cn=svc,dc=acme,dc=net', '{pw}');"],
        "go": ['\tdb, err := sql.Open("mysql", "shop:{pw}@tcp(mysql-01:3306)/shop")',
               '\tauth := smtp.PlainAuth("", "alerts@acme-corp.net", "{pw}", "smtp.mailprovider.net")'],
        "java": ['        Connection c = DriverManager.getConnection(url, "hr_app", "{pw}");',
                 '        props.setProperty("password", "{pw}");',
                 '        ds.setPassword("{pw}");'],
        "kotlin": ['val ds = HikariDataSource().apply {{ username = "app"; password = "{pw}" }}'],
        "csharp": ['            var cred = new NetworkCredential("svc_deploy", "{pw}");',
                   '            client.Credentials = new NetworkCredential("ftpuser", "{pw}");'],
        "ruby": ["  password: '{pw}',", "Net::SMTP.start('smtp.mailprovider.net', 587, 'acme-corp.net', 'alerts', '{pw}', :login)"],
        "php": ["$pdo = new PDO('mysql:host=mysql-01;dbname=shop', 'shop', '{pw}');",
                "    'password' => '{pw}',"],
        "sql": ["CREATE USER reporting WITH PASSWORD '{pw}';", "ALTER USER 'app'@'%' IDENTIFIED BY '{pw}';",
                "CREATE LOGIN etl_loader WITH PASSWORD = '{pw}';"],
        "xml": ['    <add key="SmtpPassword" value="{pw}" />'],
        "yaml": ['    password: "{pw}"', "    admin_password: '{pw}'"],
        "json": ['  "password": "{pw}",', '  "dbPassword": "{pw}",'],
        "shell": ['DB_PASSWORD="{pw}" ./manage.py migrate'],
        "swift": ['let credential = URLCredential(user: "api", password: "{pw}", persistence: .forSession)'],
        "rust": ['    let pool = PgPoolOptions::new().connect("postgres://app:{upw}@pg-main/app").await?;'],
    }
    neg = {
        "python": ['password = getpass.getpass("Password: ")', 'password = request.form["password"]',
                   "if password != confirm_password:", "PASSWORD_MIN_LENGTH = 12", "password = None",
                   'DB_PASSWORD = config("DB_PASSWORD")', 'password = keyring.get_password("billing", user)',
                   "new_password = secrets.token_urlsafe(32)", 'password = ""',
                   "hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt())",
                   'PASSWORD_RESET_URL = "/accounts/password/reset/"',
                   'cursor.execute("UPDATE users SET password = %(password)s WHERE id = %(id)s", params)',
                   'password: str = Field(..., min_length=8, description="account password")'],
        "javascript": ["const password = req.body.password;", "if (password.length < 12) throw new Error('too short');",
                       "const passwordInput = document.querySelector('input[type=password]');",
                       "const { password } = await inquirer.prompt([{ type: 'password', name: 'password' }]);",
                       "user.password = await bcrypt.hash(password, 12);"],
        "typescript": ["const password: string = req.body.password;", "const password2 = this.form.get('password')?.value ?? '';",
                       "const passwordPlaceholder = 'Enter your password';"],
        "go": ["\tpassword := os.Getenv(\"DB_PASSWORD\")", "\tif len(password) < minPasswordLen {",
               "\tvar req struct{ Password string `json:\"password\" validate:\"required,min=12\"` }"],
        "java": ["        String password = new String(console.readPassword(\"Password: \"));",
                 "        final int passwordMinLength = 12;",
                 "        String password = vault.logical().read(\"secret/db\").getData().get(\"password\");"],
        "csharp": ["            var password = Configuration[\"Db:Password\"];",
                   "            var password = Request.Form[\"password\"];"],
        "ruby": ["  password: ENV.fetch('SMTP_PASSWORD'),", "validates :password, length: { minimum: 12 }"],
        "php": ["    'password' => env('DB_PASSWORD'),", "$password = $_POST['password'] ?? '';",
                "    'password' => '',"],
        "yaml": ['    password: "{{ vault_db_password }}"', "    password: <%= ENV['DATABASE_PASSWORD'] %>", "    password: ${DB_PASSWORD}", "    password: ''",
                 "    password: changeme", '    password: "********"', "    password_min_length: 12"],
        "json": ['  "password": "",', '  "passwordLabel": "Password",', '  "password": "<YOUR_PASSWORD>",',
                 '  "passwordPolicy": "min-12-chars",'],
        "xml": ['    <add key="SmtpPassword" value="" />', '    <add key="SmtpPasswordHint" value="use the vault entry smtp/prod" />'],
        "shell": ['read -rsp "Password: " DB_PASSWORD', 'DB_PASSWORD="$(cat /run/secrets/db_password)"'],
        "sql": ["ALTER USER app WITH PASSWORD NULL;", "-- rotate with: ALTER ROLE app PASSWORD :'new_password';"],
        "properties": ["spring.datasource.password=${DB_PASSWORD}", "app.security.password-min-length=12"],
        "env": ["DB_PASSWORD=", "DB_PASSWORD=${DB_PASSWORD}", "DB_PASSWORD=changeme"],
    }
    items = []
    for lang, templates in pos.items():
        for t in templates:
            line = t.format(pw=password(r).replace("'", "").replace('"', ""), upw=url_password(r))
            items.append(Item("positive", P, "password-literal", f"hard-coded password in {lang} ({W})", line=line, lang=lang))
    for lang, lines in neg.items():
        for line in lines:
            items.append(Item("negative", P, "password-literal", f"not a password value: {lang} code that names or reads one",
                              line=line, lang=lang))
    return items


def render_item(item, lang, r):
    """The line an item becomes in a file of language lang."""
    if item.line is not None:
        return item.line
    if item.ref:
        return lang.render(r.choice(lang.refs), item.env)
    template = r.choice(lang.assigns)
    value = item.value
    if lang.key in ("yaml",) and "'" in template and "'" in value:
        template = '    {n}: "{v}"'
    return lang.render(template, item.env, value)


def fill(text, word):
    return text.replace("{f}", word).replace("{F}", word.title()).replace("{N}", word.upper())


def build_code_files(corpus, items, r):
    """Spread items over files of many languages, with ordinary lines around each."""
    langs = {lang.key: lang for lang in LANGS}
    keys = list(LANG_WEIGHTS)
    weights = [LANG_WEIGHTS[k] for k in keys]
    by_lang = {k: [] for k in keys}
    for item in items:
        key = item.lang or r.choices(keys, weights)[0]
        by_lang[key].append(item)
    for key, pending in by_lang.items():
        r.shuffle(pending)
        lang = langs[key]
        while pending:
            take = min(len(pending), r.randint(3, 7))
            chunk, pending = pending[:take], pending[take:]
            path, word = corpus.unique_path(r, lang.paths)
            doc = corpus.new(path)
            doc.bg(*[fill(h, word) for h in lang.header])
            fillers = list(lang.fillers)
            r.shuffle(fillers)
            for item in chunk:
                if fillers and r.random() < 0.6:
                    doc.bg(fill(fillers.pop(), word))
                line = render_item(item, lang, r)
                doc.bg(*item.before)
                doc.label(line, item.kind, item.family, item.provider, item.note)
                doc.bg(*item.after)
            doc.bg(*[fill(f, word) for f in lang.footer])


# ---------------------------------------------------------------- hand-shaped documents

AWS_DOC = "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html"
AWS_EX_ID, AWS_EX_SECRET = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
AZURITE_DOC = "https://learn.microsoft.com/azure/storage/common/storage-connect-azurite"
STRIPE_DOC_KEY = "sk_test_BQokikJOvBiI2HlWgH4olfQ2"
JWT_IO = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
          ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")


def akid(r, prefix="AKIA"):
    return prefix + rs(r, UPPER + "234567", 16)


def aws_secret(r):
    return rs(r, ALNUM + "+/", 40)


def doc_aws(corpus, r):
    d = corpus.new("home/deploy/.aws/credentials")
    note = f"format per {AWS_DOC}"
    d.bg("[default]")
    d.pos(f"aws_access_key_id = {akid(r)}", "cloud", "aws-access-key-id", note)
    d.pos(f"aws_secret_access_key = {aws_secret(r)}", "cloud", "aws-secret-access-key", note)
    d.bg("", "[ci-readonly]")
    d.pos(f"aws_access_key_id={akid(r)}", "cloud", "aws-access-key-id", note)
    d.pos(f"aws_secret_access_key={aws_secret(r)}", "cloud", "aws-secret-access-key", note)
    d.bg("region=eu-west-1", "", "[sandbox]")
    d.pos(f"aws_access_key_id = {akid(r, 'ASIA')}", "cloud", "aws-temporary-access-key-id", note)
    d.pos(f"aws_secret_access_key = {aws_secret(r)}", "cloud", "aws-secret-access-key", note)
    d.pos(f"aws_session_token = IQoJb3JpZ2luX2Vj{b64(rbytes(r, 400))}", "cloud", "aws-session-token", note)
    d.bg("", "[docs-example]")
    d.neg(f"aws_access_key_id = {AWS_EX_ID}", "cloud", "aws-access-key-id", f"AWS's documented example key ID ({AWS_DOC})")
    d.neg(f"aws_secret_access_key = {AWS_EX_SECRET}", "cloud", "aws-secret-access-key", f"AWS's documented example secret key ({AWS_DOC})")
    d.bg("", "[sso-dev]", "credential_process = aws-vault export --format=json sso-dev")

    d = corpus.new("docs/aws/getting-started.md")
    d.bg("# Getting started with the AWS CLI", "", "Configure a profile. The values below are the example pair from the AWS docs:", "", "```ini")
    d.neg(f"aws_access_key_id = {AWS_EX_ID}", "cloud", "aws-access-key-id", f"AWS documented example ({AWS_DOC})")
    d.neg(f"aws_secret_access_key = {AWS_EX_SECRET}", "cloud", "aws-secret-access-key", f"AWS documented example ({AWS_DOC})")
    d.bg("```", "", "Never commit real keys; use `aws configure sso` instead.", "", "```bash")
    d.neg("export AWS_ACCESS_KEY_ID=AKIAXXXXXXXXXXXXXXXX", "cloud", "aws-access-key-id", "placeholder of X characters")
    d.neg("export AWS_SECRET_ACCESS_KEY=<your-secret-access-key>", "cloud", "aws-secret-access-key", "placeholder")
    d.bg("```")

    d = corpus.new("infra/terraform/providers.tf")
    d.bg('terraform {', '  required_providers {', '    aws = { source = "hashicorp/aws", version = "~> 5.0" }', '  }', '}', '',
         'provider "aws" {', '  region     = "eu-west-1"')
    d.pos(f'  access_key = "{akid(r)}"', "cloud", "aws-access-key-id", note)
    d.pos(f'  secret_key = "{aws_secret(r)}"', "cloud", "aws-secret-access-key", note)
    d.bg('}', '', 'provider "aws" {', '  alias      = "replica"', '  region     = "us-east-1"')
    d.neg("  access_key = var.replica_access_key", "cloud", "aws-access-key-id", "variable reference")
    d.neg("  secret_key = var.replica_secret_key", "cloud", "aws-secret-access-key", "variable reference")
    d.bg('}')


def doc_gcp(corpus, r):
    for i in range(3):
        path = ["secrets/gcp-sa.json", "deploy/gke/service-account-key.json", "ml/credentials/vertex-sa.json"][i]
        d = corpus.new(path)
        project = f"{r.choice(WORDS)}-prod-{rs(r, DIGITS, 6)}"
        key = "\\n".join(pem("PRIVATE KEY", pkcs8_rsa_der(r))) + "\\n"
        d.bg("{", '  "type": "service_account",', f'  "project_id": "{project}",',
             f'  "private_key_id": "{rs(r, HEX, 40)}",')
        d.pos(f'  "private_key": "{key}",', "cloud", "gcp-service-account",
              "service-account JSON key per https://cloud.google.com/iam/docs/keys-create-delete")
        d.bg(f'  "client_email": "deployer@{project}.iam.gserviceaccount.com",', f'  "client_id": "{rs(r, DIGITS, 21)}",',
             '  "auth_uri": "https://accounts.google.com/o/oauth2/auth",', '  "token_uri": "https://oauth2.googleapis.com/token",',
             '  "universe_domain": "googleapis.com"', "}")
    d = corpus.new("deploy/gke/service-account-key.example.json")
    d.bg("{", '  "type": "service_account",', '  "project_id": "your-project-id",', '  "private_key_id": "your-private-key-id",')
    d.neg('  "private_key": "-----BEGIN PRIVATE KEY-----\\nYOUR_PRIVATE_KEY\\n-----END PRIVATE KEY-----\\n",', "cloud",
          "gcp-service-account", "template with a placeholder key body")
    d.bg('  "client_email": "your-sa@your-project-id.iam.gserviceaccount.com"', "}")


def doc_private_keys(corpus, r):
    F = "private-keys"
    NOTE = "PEM per RFC 7468 (https://www.rfc-editor.org/rfc/rfc7468); body is random DER-shaped bytes"
    standalone = [("home/deploy/.ssh/id_rsa", "rsa"), ("home/deploy/.ssh/id_ed25519", "openssh"),
                  ("deploy/certs/server.key", "pkcs8"), ("deploy/certs/ec-signing.key", "ec"),
                  ("legacy/keys/dsa_host_key", "dsa"), ("release/signing/private.asc", "pgp"),
                  ("ci/keys/deploy_key", "openssh"), ("services/payments/keys/jwt-signing.pem", "rsa"),
                  ("ios/certs/push.key", "pkcs8"), ("vpn/client.key", "ec")]
    for path, kind in standalone:
        lines = private_key_lines(r, kind)
        d = corpus.new(path)
        if kind == "pgp":
            d.bg("# exported with gpg --export-secret-keys --armor release@acme-corp.net")
        d.pos(lines[0], F, f"pem-{kind}", NOTE, lines[1:])
    # embedded keys
    d = corpus.new("deploy/k8s/ingress-tls-values.yaml")
    d.bg("ingress:", "  enabled: true", "  tls:", "    secretName: web-tls", "    crt: |")
    for line in cert_lines(r):
        d.bg("      " + line)
    d.bg("    key: |")
    lines = ["      " + x for x in private_key_lines(r, "rsa")]
    d.pos(lines[0], F, "pem-rsa", NOTE + "; YAML block scalar", lines[1:])

    d = corpus.new("services/auth/signing_keys.py")
    d.bg('"""Token signing for the auth service."""', "import jwt", "")
    lines = private_key_lines(r, "ec")
    d.pos('PRIVATE_KEY = """' + lines[0], F, "pem-ec", NOTE + "; Python string", lines[1:-1] + [lines[-1] + '"""'])
    d.bg("", "", "def sign(claims):", '    return jwt.encode(claims, PRIVATE_KEY, algorithm="ES256")')

    d = corpus.new("infra/terraform/bastion/keys.tf")
    d.bg('resource "tls_private_key" "generated" {', '  algorithm = "ED25519"', "}", "",
         'resource "local_sensitive_file" "legacy_key" {', '  filename = "${path.module}/legacy.pem"')
    lines = private_key_lines(r, "rsa")
    d.pos("  content  = <<-EOT", F, "pem-rsa", NOTE + "; Terraform heredoc", ["    " + x for x in lines] + ["  EOT"])
    d.bg("}")

    d = corpus.new("config/jwt-keys.json")
    key = "\\n".join(private_key_lines(r, "pkcs8")) + "\\n"
    d.bg("{", '  "issuer": "https://login.northwind.io",', '  "kid": "2024-09",')
    d.pos(f'  "privateKey": "{key}",', F, "pem-pkcs8", NOTE + "; JSON string with \\n escapes")
    d.bg('  "alg": "RS256"', "}")

    d = corpus.new("ops/putty/jump-host.ppk")
    pub = b64(ssh_string(b"ssh-ed25519") + ssh_string(rbytes(r, 32)))
    d.pos("PuTTY-User-Key-File-3: ssh-ed25519", F, "putty-ppk",
          "PuTTY key file per https://the.earth.li/~sgtatham/putty/0.78/htmldoc/AppendixC.html",
          ["Encryption: none", "Comment: eddsa-key-20240312", "Public-Lines: 2"] + wrap(pub, 64) +
          ["Private-Lines: 1", b64(ssh_string(rbytes(r, 32))), f"Private-MAC: {rs(r, HEX, 64)}"])

    # negatives: public material and templates
    d = corpus.new("deploy/certs/server.pub.pem")
    lines = public_key_lines(r)
    d.neg(lines[0], F, "pem-public-key", "a public key, not a secret")
    d.bg(*lines[1:])
    d = corpus.new("deploy/certs/ca.crt")
    lines = cert_lines(r)
    d.neg(lines[0], F, "pem-certificate", "a certificate, not a secret")
    d.bg(*lines[1:])
    d = corpus.new("home/deploy/.ssh/authorized_keys")
    for who in ["alice@laptop", "bob@workstation", "ci@build-01"]:
        d.neg(f"ssh-ed25519 {b64(ssh_string(b'ssh-ed25519') + ssh_string(rbytes(r, 32)))} {who}", F, "ssh-public-key", "SSH public key")
    d.neg(f"ssh-rsa {b64(ssh_string(b'ssh-rsa') + rbytes(r, 270))} ops@bastion", F, "ssh-public-key", "SSH public key")
    d = corpus.new("docs/security/ssh-keys.md")
    d.bg("# Deploy keys", "", "Paste the key into the vault item, it looks like this:", "", "```")
    d.neg("-----BEGIN OPENSSH PRIVATE KEY-----", F, "pem-openssh", "documentation template with an elided body")
    d.bg("...", "-----END OPENSSH PRIVATE KEY-----", "```", "")
    d.neg("Never commit files that begin with `-----BEGIN RSA PRIVATE KEY-----` to the repository.", F, "pem-rsa",
          "prose mentioning the header only")
    d = corpus.new("tests/fixtures/keys/README.txt")
    d.neg("-----BEGIN PRIVATE KEY----- <generate with: openssl genpkey -algorithm ed25519> -----END PRIVATE KEY-----",
          F, "pem-pkcs8", "placeholder instead of a key body")
    d = corpus.new("services/auth/keys.go")
    d.bg("package keys", "", 'import "crypto/x509"', "")
    d.neg('const pemHeader = "-----BEGIN RSA PRIVATE KEY-----"', F, "pem-rsa", "header constant used by a parser")
    d.neg('const pemFooter = "-----END RSA PRIVATE KEY-----"', F, "pem-rsa", "footer constant used by a parser")
    d.bg("", "var _ = x509.ParsePKCS1PrivateKey")


def k8s_secret(corpus, r):
    F = "config-files"
    NOTE = "Kubernetes Secret data is base64 (https://kubernetes.io/docs/concepts/configuration/secret/)"
    d = corpus.new("deploy/k8s/orders/secret.yaml")
    d.bg("apiVersion: v1", "kind: Secret", "metadata:", "  name: orders-db", "  namespace: orders", "type: Opaque", "data:")
    d.bg(f"  username: {b64(b'orders_rw')}")
    d.pos(f"  password: {b64(password(r).encode())}", F, "k8s-secret-data", NOTE)
    d.pos(f"  stripe-api-key: {b64(('sk_live_51' + rs(r, ALNUM, 97)).encode())}", F, "k8s-secret-data", NOTE + "; a Stripe key")
    d.pos(f"  DATABASE_URL: {b64(('postgres://orders_rw:' + url_password(r) + '@pg-main:5432/orders').encode())}", F, "k8s-secret-data", NOTE)
    d.bg("---", "apiVersion: v1", "kind: Secret", "metadata:", "  name: web-tls", "type: kubernetes.io/tls", "data:",
         f"  tls.crt: {b64(chr(10).join(cert_lines(r)).encode())}")
    d.pos(f"  tls.key: {b64(chr(10).join(private_key_lines(r, 'rsa')).encode())}", F, "k8s-secret-tls-key", NOTE)
    d.bg("---", "apiVersion: v1", "kind: Secret", "metadata:", "  name: notify", "type: Opaque", "stringData:")
    d.pos(f"  SLACK_BOT_TOKEN: xoxb-{rs(r, DIGITS, 12)}-{rs(r, DIGITS, 13)}-{rs(r, ALNUM, 24)}", F, "k8s-secret-stringdata", "stringData holds plain values")
    d.pos(f'  SMTP_PASSWORD: "{password(r)}"', F, "k8s-secret-stringdata", "stringData holds plain values")

    d = corpus.new("deploy/k8s/templates/secret.yaml")
    d.bg("apiVersion: v1", "kind: Secret", "metadata:", "  name: {{ include \"app.fullname\" . }}", "type: Opaque", "data:")
    d.neg("  password: {{ .Values.db.password | b64enc | quote }}", F, "k8s-secret-data", "Helm template expression")
    d.neg("  api-key: {{ required \"apiKey\" .Values.apiKey | b64enc }}", F, "k8s-secret-data", "Helm template expression")
    d.neg(f"  placeholder: {b64(b'changeme')}", F, "k8s-secret-data", "base64 of the placeholder 'changeme'")
    d.neg(f"  empty: {b64(b'')}", F, "k8s-secret-data", "empty value")
    d = corpus.new("deploy/k8s/orders/external-secret.yaml")
    d.bg("apiVersion: external-secrets.io/v1beta1", "kind: ExternalSecret", "metadata:", "  name: orders-db", "spec:",
         "  secretStoreRef:", "    name: aws-secrets-manager", "    kind: ClusterSecretStore", "  data:",
         "    - secretKey: password", "      remoteRef:")
    d.neg("        key: prod/orders/db-password", F, "k8s-external-secret", "reference to a secret store")
    d.bg("    - secretKey: stripe-api-key", "      remoteRef:")
    d.neg("        key: prod/orders/stripe", F, "k8s-external-secret", "reference to a secret store")

    d = corpus.new("home/deploy/.kube/config")
    d.bg("apiVersion: v1", "kind: Config", "clusters:", "- cluster:",
         f"    certificate-authority-data: {b64(chr(10).join(cert_lines(r)).encode())}",
         "    server: https://k8s-prod.acme-corp.net:6443", "  name: prod", "contexts:", "- context:", "    cluster: prod",
         "    user: deployer", "  name: prod", "current-context: prod", "users:", "- name: deployer", "  user:")
    d.pos(f"    token: {jwt(r, 'RS256', {'iss': 'kubernetes/serviceaccount', 'kubernetes.io/serviceaccount/namespace': 'ci', 'sub': 'system:serviceaccount:ci:deployer'})}",
          F, "kubeconfig-token", "service-account bearer token (https://kubernetes.io/docs/reference/access-authn-authz/authentication/)")
    d.bg("- name: admin", "  user:", f"    client-certificate-data: {b64(chr(10).join(cert_lines(r)).encode())}")
    d.pos(f"    client-key-data: {b64(chr(10).join(private_key_lines(r, 'ec')).encode())}", F, "kubeconfig-client-key",
          "base64 PEM client key (https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/)")
    d.bg("- name: oidc", "  user:", "    exec:", "      apiVersion: client.authentication.k8s.io/v1beta1", "      command: kubelogin")


def doc_dotfiles(corpus, r):
    F = "config-files"
    gh = lambda p="ghp_": p + (lambda b: b + crc32_b62(b))(rs(r, ALNUM, 30))  # noqa: E731
    npm = lambda: (lambda b: "npm_" + b + crc32_b62(b))(rs(r, ALNUM, 30))  # noqa: E731

    d = corpus.new("web/.npmrc")
    d.bg("registry=https://registry.npmjs.org/", "save-exact=true")
    d.pos(f"//registry.npmjs.org/:_authToken={npm()}", F, "npmrc-authtoken", "npmrc auth (https://docs.npmjs.com/cli/v10/configuring-npm/npmrc#auth-related-configuration)")
    d.bg("@acme:registry=https://npm.pkg.github.com")
    d.pos(f"//npm.pkg.github.com/:_authToken={gh()}", F, "npmrc-authtoken", "GitHub Packages token in .npmrc")
    d.pos(f"//nexus.acme-corp.net/repository/npm/:_auth={b64(('ci-reader:' + password(r)).encode())}", F, "npmrc-auth", "base64 user:password")
    d = corpus.new("packages/ui/.npmrc")
    d.neg("//registry.npmjs.org/:_authToken=${NPM_TOKEN}", F, "npmrc-authtoken", "environment interpolation")
    d.neg("//npm.pkg.github.com/:_authToken=${GITHUB_TOKEN}", F, "npmrc-authtoken", "environment interpolation")
    d.bg("always-auth=true")
    d = corpus.new("web/.yarnrc.yml")
    d.bg("nodeLinker: node-modules", "npmScopes:", "  acme:", "    npmRegistryServer: https://npm.pkg.github.com")
    d.pos(f"    npmAuthToken: {npm()}", F, "yarnrc-npmauthtoken", "https://yarnpkg.com/configuration/yarnrc#npmAuthToken")
    d.bg("  internal:")
    d.neg('    npmAuthToken: "${NPM_AUTH_TOKEN-}"', F, "yarnrc-npmauthtoken", "environment interpolation")

    d = corpus.new("home/deploy/.pypirc")
    d.bg("[distutils]", "index-servers =", "    pypi", "    internal", "    testpypi", "", "[pypi]", "username = __token__")
    d.pos(f"password = pypi-AgEIcHlwaS5vcmc{rs(r, B64URL, 150)}", F, "pypirc", "https://packaging.python.org/en/latest/specifications/pypirc/")
    d.bg("", "[internal]", "repository = https://nexus.acme-corp.net/repository/pypi-internal/", "username = release-bot")
    d.pos(f"password = {password(r)}", F, "pypirc", "https://packaging.python.org/en/latest/specifications/pypirc/")
    d.bg("", "[testpypi]", "repository = https://test.pypi.org/legacy/", "username = __token__")
    d.neg("password = <your TestPyPI token>", F, "pypirc", "placeholder")

    d = corpus.new("home/deploy/.netrc")
    d.pos(f"machine api.heroku.com login ops@acme-corp.net password {uuid4(r)}", F, "netrc", "https://www.gnu.org/software/inetutils/manual/html_node/The-_002enetrc-file.html")
    d.pos(f"machine github.com login release-bot password {gh()}", F, "netrc", "netrc with a GitHub token")
    d.bg("machine ftp.partner-logistics.net")
    d.bg("  login acme")
    d.pos(f"  password {password(r)}", F, "netrc", "multi-line netrc entry")
    d.neg("machine localhost login anonymous password anonymous@", F, "netrc", "anonymous FTP convention")

    d = corpus.new("home/deploy/.pgpass")
    d.bg("# hostname:port:database:username:password")
    for host in ["pg-main.northwind.io", "orders-prod.c9akciq32xyz.eu-west-1.rds.amazonaws.com", "10.20.4.17"]:
        d.pos(f"{host}:5432:*:{r.choice(USERS)}:{password(r).replace(':', '!')}", F, "pgpass",
              "https://www.postgresql.org/docs/current/libpq-pgpass.html")

    d = corpus.new("home/deploy/.git-credentials")
    d.pos(f"https://release-bot:{gh()}@github.com", F, "git-credentials", "https://git-scm.com/docs/git-credential-store")
    d.pos(f"https://oauth2:glpat-{rs(r, B64URL, 20)}@gitlab.com", F, "git-credentials", "GitLab token in credential store")
    d.pos(f"https://x-access-token:{gh('ghs_')}@github.com", F, "git-credentials", "GitHub App token in credential store")
    d.pos(f"https://jdoe:{password(r).replace('@', '!').replace(':', '!').replace('/', '!')}@bitbucket.acme-corp.net", F, "git-credentials", "password in credential store")

    d = corpus.new("home/deploy/.docker/config.json")
    d.bg("{", '  "auths": {', '    "https://index.docker.io/v1/": {')
    d.pos(f'      "auth": "{b64(("acmeci:" + "dckr_pat_" + rs(r, B64URL, 27)).encode())}"', F, "docker-config-auth",
          "base64 user:token (https://docs.docker.com/reference/cli/docker/login/)")
    d.bg("    },", '    "registry.acme-corp.net": {')
    d.pos(f'      "auth": "{b64(("deploy:" + password(r)).encode())}"', F, "docker-config-auth", "base64 user:password")
    d.bg("    },", '    "ghcr.io": {}', "  },", '  "credsStore": "desktop"', "}")
    d = corpus.new("ci/docker/config.json")
    d.bg("{", '  "auths": {', '    "123456789012.dkr.ecr.eu-west-1.amazonaws.com": {}', "  },")
    d.neg('  "credHelpers": { "123456789012.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login" },', F, "docker-config-auth", "credential helper, no secret")
    d.neg('  "credsStore": "osxkeychain"', F, "docker-config-auth", "credential store, no secret")
    d.bg("}")

    d = corpus.new("home/deploy/.m2/settings.xml")
    d.bg("<settings>", "  <servers>", "    <server>", "      <id>ossrh</id>", "      <username>acme-release</username>")
    d.pos(f"      <password>{password(r).replace('<', '!').replace('&', '!')}</password>", F, "maven-settings",
          "https://maven.apache.org/settings.html#servers")
    d.bg("    </server>", "    <server>", "      <id>github</id>", "      <username>release-bot</username>")
    d.pos(f"      <password>{gh()}</password>", F, "maven-settings", "GitHub Packages token in settings.xml")
    d.bg("    </server>", "    <server>", "      <id>internal</id>", "      <username>${env.MAVEN_USERNAME}</username>")
    d.neg("      <password>${env.MAVEN_PASSWORD}</password>", F, "maven-settings", "environment interpolation")
    d.bg("    </server>", "  </servers>", "</settings>")

    d = corpus.new("dotnet/NuGet.config")
    d.bg('<?xml version="1.0" encoding="utf-8"?>', "<configuration>", "  <packageSources>",
         '    <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />',
         '    <add key="acme" value="https://pkgs.dev.azure.com/acme/_packaging/acme/nuget/v3/index.json" />',
         "  </packageSources>", "  <packageSourceCredentials>", "    <acme>", '      <add key="Username" value="build" />')
    d.pos(f'      <add key="ClearTextPassword" value="{rs(r, LOWER + "234567", 52)}" />', F, "nuget-config",
          "https://learn.microsoft.com/nuget/reference/nuget-config-file#packagesourcecredentials")
    d.bg("    </acme>", "    <github>", '      <add key="Username" value="release-bot" />')
    d.neg('      <add key="ClearTextPassword" value="%GITHUB_PACKAGES_PAT%" />', F, "nuget-config", "environment variable reference")
    d.bg("    </github>", "  </packageSourceCredentials>", "</configuration>")

    d = corpus.new("android/gradle.properties")
    d.bg("org.gradle.jvmargs=-Xmx4g -Dfile.encoding=UTF-8", "android.useAndroidX=true", "kotlin.code.style=official")
    d.pos(f"ossrhPassword={password(r)}", F, "gradle-properties", "https://docs.gradle.org/current/userguide/build_environment.html#sec:gradle_configuration_properties")
    d.pos(f"signing.password={password(r)}", F, "gradle-properties", "https://docs.gradle.org/current/userguide/signing_plugin.html")
    d.pos(f"RELEASE_STORE_PASSWORD={password(r)}", F, "gradle-properties", "Android keystore password")
    d.pos(f"gpr.key={gh()}", F, "gradle-properties", "GitHub Packages token")
    d.neg("signing.keyId=24875D73", F, "gradle-properties", "key ID, not a secret")
    d.neg("signing.secretKeyRingFile=/home/ci/.gnupg/secring.gpg", F, "gradle-properties", "path, not a secret")

    d = corpus.new("php/shop/auth.json")
    d.bg("{", '  "github-oauth": {')
    d.pos(f'    "github.com": "{gh()}"', F, "composer-auth", "https://getcomposer.org/doc/articles/authentication-for-private-packages.md")
    d.bg("  },", '  "http-basic": {', '    "repo.packagist.com": {', '      "username": "token",')
    d.pos(f'      "password": "{rs(r, HEX, 40)}"', F, "composer-auth", "Private Packagist token")
    d.bg("    }", "  }", "}")

    d = corpus.new("home/deploy/.s3cfg")
    d.bg("[default]")
    d.pos(f"access_key = {akid(r)}", "cloud", "aws-access-key-id", f"format per {AWS_DOC}")
    d.pos(f"secret_key = {aws_secret(r)}", "cloud", "aws-secret-access-key", f"format per {AWS_DOC}")
    d.bg("host_base = s3.amazonaws.com", "use_https = True")

    d = corpus.new("home/deploy/.terraformrc")
    d.bg('credentials "app.terraform.io" {')
    d.pos(f'  token = "{rs(r, ALNUM, 14)}.atlasv1.{rs(r, ALNUM, 67)}"', F, "terraformrc",
          "https://developer.hashicorp.com/terraform/cli/config/config-file#credentials")
    d.bg("}")


def doc_compose_docker_tf(corpus, r):
    F = "config-files"
    d = corpus.new("docker-compose.yml")
    d.bg("services:", "  db:", "    image: postgres:16", "    environment:", "      POSTGRES_USER: app")
    d.pos(f'      POSTGRES_PASSWORD: "{password(r)}"', F, "compose-environment", "https://docs.docker.com/compose/how-tos/environment-variables/set-environment-variables/")
    d.bg("  mysql:", "    image: mysql:8.4", "    environment:")
    d.pos(f"      - MYSQL_ROOT_PASSWORD={password(r).replace(' ', '')}", F, "compose-environment", "list-style environment")
    d.neg("      - MYSQL_PASSWORD=${MYSQL_PASSWORD:?set it in .env}", F, "compose-environment", "interpolation")
    d.bg("  api:", "    build: .", "    environment:")
    d.pos(f"      STRIPE_SECRET_KEY: sk_live_51{rs(r, ALNUM, 97)}", F, "compose-environment", "Stripe key in compose")
    d.neg("      API_KEY: ${API_KEY}", F, "compose-environment", "interpolation")
    d.neg("      POSTGRES_PASSWORD_FILE: /run/secrets/db_password", F, "compose-environment", "file reference")
    d.bg("    secrets:", "      - db_password", "secrets:", "  db_password:", "    file: ./secrets/db_password.txt")
    d = corpus.new("deploy/compose/docker-compose.dev.yml")
    d.bg("services:", "  rabbit:", "    image: rabbitmq:3-management", "    environment:")
    d.neg("      RABBITMQ_DEFAULT_PASS: guest", F, "compose-environment",
          "RabbitMQ's documented default guest account (https://www.rabbitmq.com/docs/access-control#default-state)")
    d.bg("  redis:", "    image: redis:7")
    d.pos(f'    command: ["redis-server", "--requirepass", "{password(r)}"]', F, "compose-command", "password on the command line")

    d = corpus.new("services/worker/Dockerfile")
    digest = rs(r, HEX, 64)
    d.neg(f"FROM python:3.12-slim@sha256:{digest}", "dev-platforms", "image-digest", "image digest (sha256)")
    d.bg("ARG PIP_INDEX_URL")
    d.neg("ARG NPM_TOKEN", F, "dockerfile-arg", "build argument without value")
    d.neg('RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc', F, "dockerfile-run", "interpolation")
    d.pos(f"ENV DB_PASSWORD={password(r).replace(' ', '')}", F, "dockerfile-env", "https://docs.docker.com/reference/dockerfile/#env")
    d.pos(f'ENV SENTRY_AUTH_TOKEN="sntryu_{rs(r, HEX, 64)}"', F, "dockerfile-env", "Sentry token in ENV")
    d.pos(f"RUN pip install --index-url https://ci-reader:{url_password(r)}@nexus.acme-corp.net/repository/pypi/simple -r requirements.txt",
          F, "dockerfile-run", "basic auth in an index URL")
    d.neg("RUN --mount=type=secret,id=pip_conf,target=/etc/pip.conf pip install -r requirements.txt", F, "dockerfile-run", "BuildKit secret mount")
    d.bg('CMD ["python", "-m", "worker"]')

    d = corpus.new("infra/terraform/prod.auto.tfvars")
    d.bg('region        = "eu-west-1"', 'instance_type = "t3.large"')
    d.pos(f'db_password   = "{password(r)}"', F, "tfvars", "https://developer.hashicorp.com/terraform/language/values/variables#variable-definitions-tfvars-files")
    d.pos(f'datadog_api_key = "{rs(r, HEX, 32)}"', F, "tfvars", "Datadog key in tfvars")
    d.pos(f'cloudflare_api_token = "{rs(r, B64URL, 40)}"', F, "tfvars", "Cloudflare token in tfvars")
    d = corpus.new("infra/terraform/variables.tf")
    d.bg('variable "db_password" {', '  type      = string', '  sensitive = true')
    d.neg('  description = "Master password for the orders database"', F, "tf-variable", "description text")
    d.bg("}", "", 'variable "datadog_api_key" {', "  type      = string")
    d.neg('  default   = ""', F, "tf-variable", "empty default")
    d.bg("}")
    d = corpus.new("infra/terraform/example.tfvars")
    d.neg('db_password = "REPLACE_ME"', F, "tfvars", "placeholder")
    d.neg('datadog_api_key = "<datadog-api-key>"', F, "tfvars", "placeholder")


def doc_appsettings(corpus, r):
    F = "connection-strings"
    specs_ = {s.provider: s for s in connstring_specs()}
    d = corpus.new("dotnet/src/Northwind.Api/appsettings.Production.json")
    d.bg("{", '  "Logging": { "LogLevel": { "Default": "Information" } },', '  "ConnectionStrings": {')
    d.pos(f'    "Default": "{specs_["adonet-sqlserver"].gen(r)}",', F, "adonet-sqlserver", f"format per {specs_['adonet-sqlserver'].doc}")
    d.pos(f'    "ServiceBus": "{specs_["azure-service-bus"].gen(r)}",', F, "azure-service-bus", f"format per {specs_['azure-service-bus'].doc}")
    d.neg('    "Local": "Server=(localdb)\\\\mssqllocaldb;Database=Northwind;Trusted_Connection=True;MultipleActiveResultSets=true",', F,
          "adonet-sqlserver", "integrated security, no password")
    d.neg('    "Identity": "Server=tcp:northwind.database.windows.net;Database=identity;Authentication=Active Directory Default;"', F,
          "adonet-sqlserver", "Entra authentication, no password")
    d.bg("  },", '  "AllowedHosts": "*"', "}")
    d = corpus.new("dotnet/src/Northwind.Functions/local.settings.json")
    d.bg("{", '  "IsEncrypted": false,', '  "Values": {')
    d.neg('    "AzureWebJobsStorage": "UseDevelopmentStorage=true",', "cloud", "azure-storage-connection-string", "emulator shortcut")
    d.neg(f'    "EmulatorStorage": "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={AZURITE_KEY};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;",',
          "cloud", "azure-storage-connection-string", f"Azurite's published well-known key ({AZURITE_DOC})")
    d.neg('    "ServiceBusConnection": "",', F, "azure-service-bus", "empty")
    d.bg('    "FUNCTIONS_WORKER_RUNTIME": "dotnet-isolated"', "  }", "}")
    d = corpus.new("dotnet/src/Acme.Web/Web.config")
    d.bg('<?xml version="1.0" encoding="utf-8"?>', "<configuration>", "  <connectionStrings>")
    d.pos(f'    <add name="Orders" connectionString="{specs_["adonet-datasource"].gen(r)}" providerName="System.Data.SqlClient" />', F,
          "adonet-datasource", f"format per {specs_['adonet-datasource'].doc}")
    d.neg('    <add name="Audit" connectionString="Data Source=sql01;Initial Catalog=Audit;Integrated Security=True;" providerName="System.Data.SqlClient" />',
          F, "adonet-datasource", "integrated security")
    d.neg('    <add name="Legacy" connectionString="Data Source=sql01;Initial Catalog=Legacy;User Id=legacy;Password={0};" />', F,
          "adonet-datasource", "format placeholder")
    d.neg('    <add name="Ops" connectionString="Server=sql01;Database=Ops;User Id=ops;Password=$(OpsDbPassword);" />', F,
          "adonet-datasource", "build variable reference")
    d.bg("  </connectionStrings>", "</configuration>")


def doc_frameworks(corpus, r):
    F = "framework-secrets"
    django_alpha = LOWER + DIGITS + "!@#%^&*(-_=+)"
    d = corpus.new("django/mysite/settings.py")
    d.bg('"""Django settings for mysite."""', "from pathlib import Path", "", "BASE_DIR = Path(__file__).resolve().parent.parent", "")
    d.pos(f"SECRET_KEY = 'django-insecure-{rs(r, django_alpha, 50)}'", F, "django-secret-key",
          "https://docs.djangoproject.com/en/stable/ref/settings/#secret-key")
    d.bg("DEBUG = False", 'ALLOWED_HOSTS = ["shop.acme-corp.net"]', "", "DATABASES = {", '    "default": {',
         '        "ENGINE": "django.db.backends.postgresql",', '        "NAME": "shop",', '        "USER": "shop",')
    d.pos(f'        "PASSWORD": "{password(r)}",', "passwords-in-code", "django-database-password", "https://docs.djangoproject.com/en/stable/ref/settings/#password")
    d.bg('        "HOST": "pg-main.northwind.io",', "    }", "}", "", 'EMAIL_HOST = "smtp.mailprovider.net"')
    d.pos(f'EMAIL_HOST_PASSWORD = "{password(r)}"', "passwords-in-code", "django-email-password", "https://docs.djangoproject.com/en/stable/ref/settings/#email-host-password")
    d.neg('PASSWORD_RESET_TIMEOUT = 259200', "passwords-in-code", "django-setting", "not a password")
    d.neg('AUTH_PASSWORD_VALIDATORS = [{"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"}]',
          "passwords-in-code", "django-setting", "not a password")
    d = corpus.new("django/mysite/settings_prod.py")
    d.bg("import os", "from .settings import *  # noqa", "")
    d.neg('SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]', F, "django-secret-key", "environment reference")
    d.pos(f'SECRET_KEY_FALLBACKS = ["{rs(r, django_alpha, 50)}"]', F, "django-secret-key", "https://docs.djangoproject.com/en/stable/ref/settings/#secret-key-fallbacks")
    d.neg("from django.core.management.utils import get_random_secret_key", F, "django-secret-key", "import, not a value")
    d.neg("SECRET_KEY = get_random_secret_key()", F, "django-secret-key", "generated at run time")

    wp_alpha = ALNUM + "!#%&()*+,-./:;<=>?@[]^_`{|}~ "
    salts = ["AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY", "AUTH_SALT", "SECURE_AUTH_SALT",
             "LOGGED_IN_SALT", "NONCE_SALT"]
    WP = "https://developer.wordpress.org/advanced-administration/wordpress/wp-config/#security-keys"
    d = corpus.new("php/wordpress/wp-config.php")
    d.bg("<?php", "/** The name of the database for WordPress */", "define( 'DB_NAME', 'wp_shop' );", "define( 'DB_USER', 'wp_shop' );")
    d.pos(f"define( 'DB_PASSWORD', '{password(r)}' );", "passwords-in-code", "wordpress-db-password",
          "https://developer.wordpress.org/advanced-administration/wordpress/wp-config/#database-configuration")
    d.bg("define( 'DB_HOST', 'mysql-01.prod.acme-corp.net' );", "define( 'DB_CHARSET', 'utf8mb4' );", "")
    for s in salts:
        d.pos(f"define( '{s}', '{rs(r, wp_alpha, 64)}' );", F, "wordpress-salt", WP)
    d.bg("", "$table_prefix = 'wp_';", "define( 'WP_DEBUG', false );", "require_once ABSPATH . 'wp-settings.php';")
    d = corpus.new("php/wordpress/wp-config-sample.php")
    d.bg("<?php", "define( 'DB_NAME', 'database_name_here' );", "define( 'DB_USER', 'username_here' );")
    d.neg("define( 'DB_PASSWORD', 'password_here' );", "passwords-in-code", "wordpress-db-password",
          "placeholder from WordPress's wp-config-sample.php")
    d.bg("define( 'DB_HOST', 'localhost' );", "")
    for s in salts[:4]:
        d.neg(f"define( '{s}',         'put your unique phrase here' );", F, "wordpress-salt", "placeholder from wp-config-sample.php")

    d = corpus.new("rails/config/secrets.yml")
    d.bg("development:")
    d.pos(f"  secret_key_base: {rs(r, HEX, 128)}", F, "rails-secret-key-base", "https://guides.rubyonrails.org/security.html#custom-credentials")
    d.bg("", "test:")
    d.pos(f"  secret_key_base: {rs(r, HEX, 128)}", F, "rails-secret-key-base", "test secret still a real key shape")
    d.bg("", "production:")
    d.neg('  secret_key_base: <%= ENV["SECRET_KEY_BASE"] %>', F, "rails-secret-key-base", "ERB environment reference")
    d = corpus.new("rails/config/database.yml")
    d.bg("default: &default", "  adapter: postgresql", "  encoding: unicode", "  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 5 } %>", "",
         "production:", "  <<: *default", "  database: shop_production", "  username: shop")
    d.pos(f"  password: {password(r).replace(':', '!').replace('#', '!')}", "passwords-in-code", "rails-database-password",
          "https://guides.rubyonrails.org/configuring.html#configuring-a-database")
    d.bg("", "staging:", "  <<: *default", "  database: shop_staging")
    d.neg("  password: <%= ENV['SHOP_DATABASE_PASSWORD'] %>", "passwords-in-code", "rails-database-password", "ERB environment reference")
    d = corpus.new("rails/config/initializers/devise.rb")
    d.bg("Devise.setup do |config|", "  config.mailer_sender = 'please-change-me@acme-corp.net'")
    d.pos(f"  config.secret_key = '{rs(r, HEX, 128)}'", F, "devise-secret-key", "https://github.com/heartcombo/devise#configuring-models")
    d.neg("  config.pepper = Rails.application.credentials.devise_pepper", F, "devise-pepper", "credentials reference")
    d.bg("end")

    d = corpus.new("laravel/.env")
    d.bg("APP_NAME=Shop", "APP_ENV=production")
    d.pos(f"APP_KEY=base64:{b64(rbytes(r, 32))}", F, "laravel-app-key", "https://laravel.com/docs/configuration#encryption")
    d.bg("APP_DEBUG=false", "DB_CONNECTION=mysql", "DB_HOST=mysql-01.prod.acme-corp.net", "DB_USERNAME=shop")
    d.pos(f"DB_PASSWORD={password(r).replace('#', '!').replace(' ', '')}", "passwords-in-code", "laravel-db-password", "https://laravel.com/docs/database#configuration")
    d.neg("REDIS_PASSWORD=null", "passwords-in-code", "laravel-redis-password", "null")
    d.neg("MAIL_PASSWORD=null", "passwords-in-code", "laravel-mail-password", "null")
    d = corpus.new("laravel/.env.example")
    d.neg("APP_KEY=", F, "laravel-app-key", "empty, filled by php artisan key:generate")
    d.neg("DB_PASSWORD=", "passwords-in-code", "laravel-db-password", "empty")

    d = corpus.new("flask/app/config.py")
    d.bg("class Config:", "    SQLALCHEMY_TRACK_MODIFICATIONS = False", "", "", "class ProductionConfig(Config):")
    d.pos(f"    SECRET_KEY = '{rs(r, HEX, 64)}'", F, "flask-secret-key", "https://flask.palletsprojects.com/en/stable/config/#SECRET_KEY")
    d.bg("", "", "class DevelopmentConfig(Config):")
    d.neg("    SECRET_KEY = 'dev'", F, "flask-secret-key", "Flask tutorial's development value (https://flask.palletsprojects.com/en/stable/tutorial/factory/)")
    d = corpus.new("flask/app/__init__.py")
    d.bg("from flask import Flask", "", "app = Flask(__name__)")
    d.pos(f"app.secret_key = b'{b64(rbytes(r, 24))}'", F, "flask-secret-key", "https://flask.palletsprojects.com/en/stable/quickstart/#sessions")
    d.neg('app.config.from_prefixed_env()', F, "flask-secret-key", "loads FLASK_SECRET_KEY from the environment")

    d = corpus.new("deploy/redis/redis.conf")
    d.bg("bind 0.0.0.0", "port 6379", "protected-mode yes", "")
    d.neg("# requirepass foobared", F, "redis-requirepass", "commented default from the stock redis.conf")
    d.pos(f"requirepass {password(r).replace(' ', '')}", F, "redis-requirepass", "https://redis.io/docs/latest/operate/oss_and_stack/management/config-file/")
    d.pos(f"masterauth {password(r).replace(' ', '')}", F, "redis-masterauth", "https://redis.io/docs/latest/operate/oss_and_stack/management/replication/")
    d.bg("maxmemory 2gb", "maxmemory-policy allkeys-lru")

    d = corpus.new("node/server/app.js")
    d.bg("const express = require('express');", "const session = require('express-session');", "const app = express();")
    d.pos(f"app.use(session({{ secret: '{rs(r, ALNUM, 32)}', resave: false, saveUninitialized: false }}));", F,
          "express-session-secret", "https://expressjs.com/en/resources/middleware/session.html")
    d.neg("app.use(cookieParser(process.env.COOKIE_SECRET));", F, "cookie-secret", "environment reference")
    d.pos(f"const JWT_SECRET = '{password(r)}{rs(r, ALNUM, 12)}';", F, "jwt-secret", "HMAC signing secret")
    d.bg("app.listen(3000);")

    d = corpus.new("elixir/config/prod.secret.exs")
    d.bg("import Config", "", "config :shop, ShopWeb.Endpoint,", '  http: [port: 4000],')
    d.pos(f'  secret_key_base: "{rs(r, ALNUM + "+/", 64)}"', F, "phoenix-secret-key-base", "https://hexdocs.pm/phoenix/deployment.html")
    d.bg("", "config :shop, Shop.Repo,", '  username: "shop",')
    d.pos(f'  password: "{password(r)}",', "passwords-in-code", "ecto-password", "https://hexdocs.pm/ecto/Ecto.Repo.html")
    d.bg('  hostname: "pg-main.northwind.io"')

    d = corpus.new("symfony/.env.local")
    d.bg("APP_ENV=prod")
    d.pos(f"APP_SECRET={rs(r, HEX, 32)}", F, "symfony-app-secret", "https://symfony.com/doc/current/reference/configuration/framework.html#secret")
    d.pos(f"NEXTAUTH_SECRET={b64(rbytes(r, 32))}", F, "nextauth-secret", "https://next-auth.js.org/configuration/options#secret")

    d = corpus.new("spring/src/main/resources/application.yml")
    d.bg("spring:", "  datasource:")
    d.neg("    url: jdbc:postgresql://pg-main.northwind.io:5432/orders", "urls-with-passwords", "jdbc-postgres-url", "URL without credentials")
    d.bg("    username: orders")
    d.pos(f"    password: '{password(r)}'", "passwords-in-code", "spring-datasource-password", "https://docs.spring.io/spring-boot/appendix/application-properties/index.html")
    d.bg("  mail:", "    host: smtp.mailprovider.net")
    d.neg("    password: ${MAIL_PASSWORD}", "passwords-in-code", "spring-mail-password", "placeholder resolution")
    d.bg("jwt:")
    d.pos(f"  secret: {b64(rbytes(r, 48))}", F, "jwt-secret", "HMAC signing secret in Spring config")
    d.bg("management:", "  endpoints:", "    web:", "      exposure:", "        include: health,info")


def doc_hashes(corpus, r):
    F = "password-hashes"
    N = "crypt(3) hash (https://man7.org/linux/man-pages/man3/crypt.3.html); offline-crackable"
    d = corpus.new("ops/backup/etc/shadow")
    d.pos(f"root:{crypt_hash(r, '6')}:19650:0:99999:7:::", F, "shadow-sha512", N)
    d.neg("daemon:*:19650:0:99999:7:::", F, "shadow-locked", "locked account, no hash")
    d.neg("bin:*:19650:0:99999:7:::", F, "shadow-locked", "locked account, no hash")
    d.pos(f"deploy:{crypt_hash(r, 'y')}:19700:0:99999:7:::", F, "shadow-yescrypt", N)
    d.pos(f"backup:{crypt_hash(r, '5')}:19701:0:99999:7:::", F, "shadow-sha256", N)
    d.neg("sshd:!:19650::::::", F, "shadow-locked", "locked account")
    d.pos(f"legacy:{crypt_hash(r, '1')}:18000:0:99999:7:::", F, "shadow-md5", N)
    d.neg("nobody:!!:19650::::::", F, "shadow-locked", "no password set")
    d = corpus.new("deploy/nginx/.htpasswd")
    d.pos(f"admin:{crypt_hash(r, 'apr1')}", F, "htpasswd-apr1", "https://httpd.apache.org/docs/current/misc/password_encryptions.html")
    d.pos(f"metrics:{crypt_hash(r, '2b')}", F, "htpasswd-bcrypt", "https://httpd.apache.org/docs/current/misc/password_encryptions.html")
    d.pos(f"ci:{crypt_hash(r, '2b')}", F, "htpasswd-bcrypt", "https://httpd.apache.org/docs/current/misc/password_encryptions.html")
    d.pos(f"legacy:{{SHA}}{b64(rbytes(r, 20))}", F, "htpasswd-sha1", "https://httpd.apache.org/docs/current/misc/password_encryptions.html")
    d = corpus.new("deploy/cloud-init/user-data.yaml")
    d.bg("#cloud-config", "users:", "  - name: ops", "    groups: sudo", "    shell: /bin/bash")
    d.pos(f"    passwd: {crypt_hash(r, '6')}", F, "cloud-init-passwd", "https://cloudinit.readthedocs.io/en/latest/reference/modules.html#users-and-groups")
    d.bg("    lock_passwd: false", "  - name: ci")
    d.neg("    lock_passwd: true", F, "cloud-init-passwd", "no password")
    d = corpus.new("ansible/group_vars/all/users.yml")
    d.bg("users:", "  - name: alice")
    d.pos(f'    password: "{crypt_hash(r, "6")}"', F, "ansible-user-password", "https://docs.ansible.com/ansible/latest/collections/ansible/builtin/user_module.html")
    d.bg("  - name: bob")
    d.pos(f"    password: '{crypt_hash(r, '2b')}'", F, "ansible-user-password", "bcrypt hash")
    d.bg("  - name: carol")
    d.neg("    password: \"{{ vault_carol_password | password_hash('sha512') }}\"", F, "ansible-user-password", "Jinja expression")
    d = corpus.new("docker/base/Dockerfile")
    d.bg("FROM debian:bookworm-slim", "RUN useradd -m app")
    d.pos(f"RUN echo 'app:{crypt_hash(r, '6')}' | chpasswd -e", F, "chpasswd-hash", "pre-hashed password in an image")
    d.bg("USER app")
    d = corpus.new("services/auth/tests/fixtures/users.sql")
    d.bg("INSERT INTO users (id, email, password_hash) VALUES")
    for i in range(3):
        d.pos(f"  ({i + 1}, 'user{i + 1}@acme-corp.net', '{crypt_hash(r, '2b')}'),", F, "bcrypt-in-sql", "bcrypt hash in seed data")
    d.neg("  (4, 'disabled@acme-corp.net', '!');", F, "bcrypt-in-sql", "disabled account marker")


def doc_command_lines(corpus, r):
    F = "command-lines"
    NOTE = "credential passed on a command line"
    gh = (lambda b: "ghp_" + b + crc32_b62(b))(rs(r, ALNUM, 30))
    d = corpus.new("scripts/ops/backup.sh")
    d.bg("#!/usr/bin/env bash", "set -euo pipefail", "STAMP=$(date +%F)")
    d.pos(f"mysqldump -h mysql-01.prod.acme-corp.net -u backup -p'{password(r)}' --all-databases > /backup/all-$STAMP.sql", F, "mysql-p", "https://dev.mysql.com/doc/refman/8.0/en/password-security-user.html")
    d.pos(f"PGPASSWORD='{password(r)}' pg_dump -h pg-main.northwind.io -U backup orders > /backup/orders-$STAMP.sql", F, "pgpassword", "https://www.postgresql.org/docs/current/libpq-envars.html")
    d.pos(f"sshpass -p '{password(r)}' rsync -av /backup/ backup@nas.acme-corp.net:/volume1/db/", F, "sshpass", "https://linux.die.net/man/1/sshpass")
    d.pos(f"mysql -uroot -p{rs(r, ALNUM, 14)} -e 'FLUSH LOGS'", F, "mysql-p", "https://dev.mysql.com/doc/refman/8.0/en/password-security-user.html")
    d.neg('mysql -u root -p -e "SHOW DATABASES"', F, "mysql-p", "prompts for the password")
    d.neg('PGPASSWORD="$DB_PASS" psql -h "$DB_HOST" -U app -c "select 1"', F, "pgpassword", "variable reference")
    d.neg('sshpass -e ssh backup@nas.acme-corp.net', F, "sshpass", "reads SSHPASS from the environment")
    d.pos(f"redis-cli -h cache.acme-corp.net -a '{password(r)}' BGSAVE", F, "redis-cli-a", "https://redis.io/docs/latest/develop/tools/cli/")
    d.pos(f"sqlcmd -S sql01.acme-corp.net -U sa -P '{password(r)}' -Q \"BACKUP DATABASE Orders TO DISK='/backup/orders.bak'\"", F, "sqlcmd-P",
          "https://learn.microsoft.com/sql/tools/sqlcmd/sqlcmd-utility")

    d = corpus.new("scripts/ci/publish.sh")
    d.bg("#!/usr/bin/env bash", "set -euo pipefail")
    d.pos(f"docker login -u acmeci -p 'dckr_pat_{rs(r, B64URL, 27)}' docker.io", F, "docker-login-p", "https://docs.docker.com/reference/cli/docker/login/")
    d.neg('echo "$DOCKERHUB_TOKEN" | docker login -u acmeci --password-stdin', F, "docker-login-p", "reads the token from a variable")
    d.pos(f"echo '{password(r)}' | docker login registry.acme-corp.net -u deploy --password-stdin", F, "docker-login-stdin", "literal piped to docker login")
    d.pos(f"curl -u release-bot:{password(r).replace(' ', '')} -T dist/app.tar.gz https://nexus.acme-corp.net/repository/releases/", F, "curl-u", "https://curl.se/docs/manpage.html#-u")
    d.pos(f'curl -sf -H "Authorization: Bearer {gh}" https://api.github.com/repos/acme/shop/releases', F, "curl-bearer", "https://curl.se/docs/manpage.html#-H")
    d.pos(f"git clone https://release-bot:{gh}@github.com/acme/deploy-config.git", F, "git-clone-token", "token in a clone URL")
    d.neg('curl -sf -H "Authorization: Bearer $GITHUB_TOKEN" https://api.github.com/user', F, "curl-bearer", "variable reference")
    d.neg('curl -u "$NEXUS_USER:$NEXUS_PASSWORD" https://nexus.acme-corp.net/service/rest/v1/status', F, "curl-u", "variable reference")
    d.pos(f'curl -X POST https://api.mailgun.net/v3/mg.acme-corp.net/messages -u "api:key-{rs(r, HEX, 32)}" -F to=ops@acme-corp.net', F, "curl-u", "Mailgun key via -u")
    d.pos(f'curl -H "Authorization: Basic {b64(("admin:" + password(r)).encode())}" https://jenkins.acme-corp.net/api/json', F, "curl-basic", "RFC 7617 basic credentials")
    d.pos(f'curl -H "X-API-Key: {rs(r, HEX, 32)}" https://api.partner-logistics.net/v1/shipments', F, "curl-api-key-header", "API key header")
    d.pos(f"wget --user=mirror --password='{password(r)}' https://mirror.acme-corp.net/private/pkg.tgz", F, "wget-password", "https://www.gnu.org/software/wget/manual/wget.html")
    d.pos(f"kubectl create secret generic orders-db --from-literal=password='{password(r)}'", F, "kubectl-from-literal",
          "https://kubernetes.io/docs/tasks/configmap-secret/managing-secret-using-kubectl/")
    d.pos(f"az login --service-principal -u {uuid4(r)} -p '{rs(r, ALNUM, 3)}8Q~{rs(r, ALNUM + '_-.~', 34)}' --tenant {uuid4(r)}", F, "az-login-p",
          "https://learn.microsoft.com/cli/azure/authenticate-azure-cli-service-principal")
    d.pos(f"openssl pkcs12 -export -in cert.pem -inkey key.pem -out bundle.p12 -passout pass:{password(r).replace(' ', '')}", F, "openssl-pass", "https://docs.openssl.org/master/man1/openssl-passphrase-options/")
    d.neg("openssl pkcs12 -export -in cert.pem -inkey key.pem -out bundle.p12 -passout env:P12_PASSWORD", F, "openssl-pass", "environment reference")
    d.pos(f"htpasswd -b -c /etc/nginx/.htpasswd metrics '{password(r)}'", F, "htpasswd-b", "https://httpd.apache.org/docs/current/programs/htpasswd.html")
    d.pos(f"rabbitmqctl add_user orders '{password(r)}'", F, "rabbitmqctl", "https://www.rabbitmq.com/docs/man/rabbitmqctl.8")
    d.pos(f"mongosh \"mongodb://admin@mongo-01:27017/admin\" -u admin -p '{password(r)}' --eval 'db.stats()'", F, "mongosh-p", "https://www.mongodb.com/docs/mongodb-shell/reference/options/")

    d = corpus.new("scripts/windows/Deploy-Site.ps1")
    d.bg("#Requires -Version 7", "$ErrorActionPreference = 'Stop'")
    d.pos(f'$secure = ConvertTo-SecureString "{password(r)}" -AsPlainText -Force', F, "convertto-securestring",
          "https://learn.microsoft.com/powershell/module/microsoft.powershell.security/convertto-securestring")
    d.bg("$cred = New-Object System.Management.Automation.PSCredential ('ACME\\svc_deploy', $secure)")
    d.neg("$secure2 = ConvertTo-SecureString $env:DEPLOY_PASSWORD -AsPlainText -Force", F, "convertto-securestring", "environment reference")
    d.neg("$secure3 = Read-Host -AsSecureString -Prompt 'Password'", F, "convertto-securestring", "prompt")
    d.pos(f"net use Z: \\\\fs01\\deploy /user:ACME\\svc_deploy {password(r).replace(' ', '')}", F, "net-use", "https://learn.microsoft.com/windows-server/administration/windows-commands/net-use")
    d.pos(f'Invoke-RestMethod -Uri https://api.acme-corp.net/deploy -Headers @{{ Authorization = "Bearer {jwt(r)}" }}', F, "invoke-restmethod-bearer", "bearer token in a header")
    d.bg("Write-Host 'done'")

    d = corpus.new("docs/runbooks/database-access.md")
    d.bg("# Database access", "", "Connect from the bastion:", "", "```bash")
    d.pos(f"psql \"postgresql://oncall:{url_password(r)}@orders-prod.c9akciq32xyz.eu-west-1.rds.amazonaws.com:5432/orders\"", F, "psql-url", "password in a connection URI")
    d.neg("psql \"postgresql://oncall@orders-prod.c9akciq32xyz.eu-west-1.rds.amazonaws.com:5432/orders\"", F, "psql-url", "no password; uses .pgpass")
    d.neg('mysql -h mysql-01 -u oncall -p"$(vault read -field=password db/creds/oncall)"', F, "mysql-p", "vault lookup")
    d.neg('curl -H "Authorization: Bearer <YOUR_TOKEN>" https://api.acme-corp.net/v1/orders', F, "curl-bearer", "placeholder")
    d.neg("curl -u username:password https://nexus.acme-corp.net/", F, "curl-u", "literal placeholder words")
    d.bg("```")

    d = corpus.new(".github/workflows/deploy.yml")
    d.bg("name: deploy", "on:", "  push:", "    branches: [main]", "jobs:", "  deploy:", "    runs-on: ubuntu-latest", "    steps:",
         "      - uses: actions/checkout@v4", "      - name: Login", "        run: |")
    d.neg("          echo \"${{ secrets.DOCKERHUB_TOKEN }}\" | docker login -u acmeci --password-stdin", F, "docker-login-p", "GitHub Actions secret expression")
    d.neg('          curl -sf -H "Authorization: Bearer ${{ secrets.DEPLOY_TOKEN }}" https://deploy.acme-corp.net/hook', F, "curl-bearer", "secret expression")
    d.bg("      - name: Migrate", "        env:")
    d.neg("          DATABASE_URL: ${{ secrets.DATABASE_URL }}", "urls-with-passwords", "postgres-url", "secret expression")
    d.pos(f"          SLACK_WEBHOOK: https://hooks.slack.com/services/T{rs(r, UPPER + DIGITS, 8)}/B{rs(r, UPPER + DIGITS, 10)}/{rs(r, ALNUM, 24)}",
          "messaging", "slack-webhook", "https://api.slack.com/messaging/webhooks")
    d.bg("        run: ./manage.py migrate")
    d = corpus.new(".gitlab-ci.yml")
    d.bg("stages: [build, deploy]", "build:", "  stage: build", "  script:")
    d.neg('    - docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" "$CI_REGISTRY"', F, "docker-login-p", "CI variables")
    d.pos(f"    - docker login -u deploy -p {password(r).replace(' ', '').replace(':', '!').replace('#', '!')} registry.acme-corp.net", F, "docker-login-p", "literal password")
    d.bg("deploy:", "  stage: deploy", "  script:")
    d.pos(f'    - curl --request POST --form token=glptt-{rs(r, HEX, 40)} --form ref=main https://gitlab.com/api/v4/projects/4211/trigger/pipeline',
          "dev-platforms", "gitlab-pipeline-trigger", "https://docs.gitlab.com/ee/ci/triggers/")
    d = corpus.new("Makefile")
    d.bg(".PHONY: seed deploy", "", "seed:")
    d.pos(f"\tPGPASSWORD={rs(r, ALNUM, 16)} psql -h localhost -U app -f db/seed.sql", F, "pgpassword", "literal in a Makefile")
    d.bg("", "deploy:")
    d.neg("\t@PGPASSWORD=$(DB_PASSWORD) psql -h $(DB_HOST) -U app -f db/migrate.sql", F, "pgpassword", "make variable")


def doc_notebooks(corpus, r):
    """Jupyter notebooks: one JSON line per source line, as Jupyter writes them."""
    def cell(lines):
        out = ['  {', '   "cell_type": "code",', '   "execution_count": null,', '   "metadata": {},', '   "outputs": [],',
               '   "source": [']
        for i, (text, _) in enumerate(lines):
            sep = "," if i < len(lines) - 1 else ""
            nl = "\\n" if i < len(lines) - 1 else ""
            out.append(f'    "{text}{nl}"{sep}')
        out += ['   ]', '  }']
        return out

    oai = lambda: f"sk-proj-{rs(r, B64URL, 74)}T3BlbkFJ{rs(r, B64URL, 74)}"  # noqa: E731
    cells_by_nb = {
        "notebooks/eval-llm.ipynb": [
            [("import os", None), ("from openai import OpenAI", None)],
            [(f'os.environ[\\"OPENAI_API_KEY\\"] = \\"{oai()}\\"', ("positive", "ai", "openai-project-key")),
             ("client = OpenAI()", None)],
            [(f'HF_TOKEN = \\"hf_{rs(r, UPPER + LOWER, 34)}\\"', ("positive", "ai", "huggingface-token")),
             ('login(token=HF_TOKEN)', None)],
            [('api_key = getpass.getpass(\\"Anthropic key: \\")', ("negative", "ai", "anthropic-api-key")),
             (f'%env ANTHROPIC_API_KEY=sk-ant-api03-{rs(r, B64URL, 93)}AA', ("positive", "ai", "anthropic-api-key"))],
        ],
        "notebooks/sales-dashboard.ipynb": [
            [("import pandas as pd", None), ("import sqlalchemy as sa", None)],
            [(f'engine = sa.create_engine(\\"postgresql://analyst:{url_password(r)}@pg-main.northwind.io/sales\\")',
              ("positive", "urls-with-passwords", "postgresql-url"))],
            [(f'gmaps = googlemaps.Client(key=\\"AIza{rs(r, B64URL, 35)}\\")', ("positive", "cloud", "gcp-api-key"))],
            [('key = os.environ.get(\\"MAPBOX_TOKEN\\")', ("negative", "saas", "mapbox-secret-token"))],
        ],
        "notebooks/vector-search.ipynb": [
            [(f'pc = Pinecone(api_key=\\"pcsk_{rs(r, ALNUM, 5)}_{rs(r, ALNUM, 63)}\\")', ("positive", "ai", "pinecone-api-key"))],
            [(f'co = cohere.Client(\\"{rs(r, ALNUM, 40)}\\")', ("positive", "ai", "cohere-api-key"))],
            [('co = cohere.Client(os.environ[\\"CO_API_KEY\\"])', ("negative", "ai", "cohere-api-key"))],
        ],
    }
    for path, cells in cells_by_nb.items():
        d = corpus.new(path)
        d.bg("{", ' "cells": [')
        for ci, c in enumerate(cells):
            rendered = cell(c)
            if ci < len(cells) - 1:
                rendered[-1] += ","
            label_iter = iter(c)
            for line in rendered:
                if line.startswith('    "'):
                    _, lab = next(label_iter)
                    if lab:
                        kind, fam, prov = lab
                        d.label(line, kind, fam, prov, "notebook cell source")
                        continue
                d.bg(line)
        d.bg(" ],", ' "metadata": {', '  "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}',
             " },", ' "nbformat": 4,', ' "nbformat_minor": 5', "}")
    # a notebook whose output cell holds a base64 PNG: a negative
    d = corpus.new("notebooks/plots.ipynb")
    png = b64(PNG_MAGIC + rbytes(r, 900))
    d.bg("{", ' "cells": [', "  {", '   "cell_type": "code",', '   "execution_count": 3,', '   "metadata": {},', '   "outputs": [',
         "    {", '     "data": {')
    d.neg(f'      "image/png": "{png}",', "private-keys", "base64-image", "base64 PNG output")
    d.bg('      "text/plain": ["<Figure size 640x480>"]', "     },", '     "metadata": {},', '     "output_type": "display_data"', "    }",
         "   ],", '   "source": ["df.plot()"]', "  }", " ],", ' "metadata": {},', ' "nbformat": 4,', ' "nbformat_minor": 5', "}")


def doc_jwt_http(corpus, r):
    d = corpus.new("api/requests/orders.http")
    d.bg("### list orders", "GET https://api.acme-corp.net/v1/orders")
    d.pos(f"Authorization: Bearer {jwt(r, 'RS256')}", "jwt", "jwt-rs256", "https://www.rfc-editor.org/rfc/rfc7519")
    d.bg("", "### create order", "POST https://api.acme-corp.net/v1/orders", "Content-Type: application/json")
    d.neg("Authorization: Bearer {{token}}", "jwt", "jwt-template", "REST-client variable")
    d.bg("", '{"sku": "A-1002", "qty": 1}')
    d = corpus.new("api/postman/Orders.postman_collection.json")
    d.bg("{", '  "info": { "name": "Orders", "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" },',
         '  "auth": {', '    "type": "bearer",', '    "bearer": [')
    d.pos(f'      {{ "key": "token", "value": "{jwt(r)}", "type": "string" }}', "jwt", "jwt-hs256", "Postman bearer auth")
    d.bg("    ]", "  },", '  "variable": [')
    d.neg('    { "key": "token", "value": "{{accessToken}}" }', "jwt", "jwt-template", "Postman variable")
    d.bg("  ]", "}")
    d = corpus.new("docs/auth/jwt.md")
    d.bg("# Tokens", "", "The example token from jwt.io decodes to `{\"sub\": \"1234567890\", \"name\": \"John Doe\"}`:", "", "```")
    d.neg(JWT_IO, "jwt", "jwt-example", "jwt.io's published example token (https://jwt.io/introduction)")
    d.bg("```", "", "An unsigned token (alg none) is rejected by the gateway:", "", "```")
    none = b64url_nopad(b'{"alg":"none","typ":"JWT"}') + "." + b64url_nopad(b'{"sub":"test","role":"viewer"}') + "."
    d.neg(none, "jwt", "jwt-unsigned", "alg none, no signature: carries no authority")
    d.bg("```", "")
    d.neg("Tokens start with `eyJhbGciOi...` and are three base64url parts separated by dots.", "jwt", "jwt-truncated", "truncated prose")


def doc_messaging_extra(corpus, r):
    d = corpus.new("services/notify/twilio_client.rb")
    d.bg("require 'twilio-ruby'", "")
    d.bg(f"ACCOUNT_SID = 'AC{rs(r, HEX, 32)}'")
    d.pos(f"AUTH_TOKEN  = '{rs(r, HEX, 32)}'", "messaging", "twilio-auth-token", "https://www.twilio.com/docs/iam/api/authtoken")
    d.bg("client = Twilio::REST::Client.new(ACCOUNT_SID, AUTH_TOKEN)", "")
    d.neg("# account_sid = 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX'", "messaging", "twilio-account-sid", "placeholder style of Twilio's docs")
    d.neg("# auth_token  = 'your_auth_token'", "messaging", "twilio-auth-token", "placeholder style of Twilio's docs")
    d = corpus.new("docs/integrations/slack.md")
    d.bg("# Slack", "", "Create a bot and copy its token (it starts with `xoxb-`):", "", "```python")
    d.neg('client = WebClient(token="xoxb-your-token")', "messaging", "slack-bot-token", "placeholder in docs")
    d.neg('client = WebClient(token=os.environ["SLACK_BOT_TOKEN"])', "messaging", "slack-bot-token", "environment reference")
    d.bg("```", "", "Webhook URLs look like:", "")
    d.neg("`https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX`", "messaging", "slack-webhook", "zeroed placeholder")
    d = corpus.new("docs/integrations/sentry.md")
    d.bg("# Sentry", "", "Sentry documents DSNs as safe to keep public (client keys, https://docs.sentry.io/concepts/key-terms/dsn-explainer/):", "", "```js")
    d.neg(f'Sentry.init({{ dsn: "https://{rs(r, HEX, 32)}@o{rs(r, DIGITS, 6)}.ingest.sentry.io/{rs(r, DIGITS, 7)}" }});', "observability",
          "sentry-dsn", "DSN, which Sentry documents as not secret")
    d.bg("```")
    d = corpus.new("web/src/map.js")
    d.bg("import mapboxgl from 'mapbox-gl';")
    user = b64url_nopad(json.dumps({"u": "acme", "a": rs(r, LOWER + DIGITS, 25)}).encode())
    d.neg(f"mapboxgl.accessToken = 'pk.{user}.{rs(r, B64URL, 22)}';", "saas", "mapbox-public-token",
          "public token meant for browsers (https://docs.mapbox.com/accounts/guides/tokens/)")
    d.bg("const map = new mapboxgl.Map({ container: 'map', style: 'mapbox://styles/mapbox/streets-v12' });")
    d = corpus.new("docs/payments/stripe.md")
    d.bg("# Stripe", "", "Stripe's API reference uses this sample test key:", "", "```bash")
    d.neg(f"curl https://api.stripe.com/v1/charges -u {STRIPE_DOC_KEY}:", "payments", "stripe-test-key",
          "sample test key from Stripe's API reference (https://docs.stripe.com/api/authentication)")
    d.bg("```")
    d.neg("Live keys look like `sk_live_xxxxxxxxxxxxxxxxxxxxxxxx`; never paste one here.", "payments", "stripe-secret-key", "placeholder")
    d.neg("Publishable keys (`pk_live_…`) are safe in the browser.", "payments", "stripe-publishable-key", "truncated prose")


def doc_general_negatives(corpus, r):
    """Hashes, digests, UUIDs, minified code and embedded media: high-entropy, not secret."""
    d = corpus.new("web/package-lock.json")
    d.bg("{", '  "name": "web",', '  "lockfileVersion": 3,', '  "packages": {')
    pkgs = ["react", "react-dom", "scheduler", "loose-envify", "js-tokens", "lodash", "axios", "follow-redirects",
            "form-data", "asynckit", "combined-stream", "delayed-stream", "mime-types", "mime-db"]
    for i, p in enumerate(pkgs):
        d.bg(f'    "node_modules/{p}": {{', f'      "version": "{r.randint(1, 18)}.{r.randint(0, 20)}.{r.randint(0, 9)}",',
             f'      "resolved": "https://registry.npmjs.org/{p}/-/{p}-1.0.0.tgz",')
        d.neg(f'      "integrity": "sha512-{b64(rbytes(r, 64))}"', "dev-platforms", "lockfile-integrity", "npm lockfile integrity hash")
        d.bg("    }" + ("," if i < len(pkgs) - 1 else ""))
    d.bg("  }", "}")
    d = corpus.new("web/yarn.lock")
    for p in ["chalk", "debug", "ms", "semver"]:
        d.bg(f'"{p}@^4.0.0":', "  version \"4.1.2\"", f'  resolved "https://registry.yarnpkg.com/{p}/-/{p}-4.1.2.tgz#{rs(r, HEX, 40)}"')
        d.neg(f"  integrity sha512-{b64(rbytes(r, 64))}", "dev-platforms", "lockfile-integrity", "yarn lockfile integrity hash")
        d.bg("")
    d = corpus.new("go.sum")
    for m in ["github.com/google/uuid v1.6.0", "golang.org/x/sys v0.21.0", "github.com/spf13/cobra v1.8.1"]:
        d.neg(f"{m} h1:{b64(rbytes(r, 32))}", "dev-platforms", "go-sum", "module checksum")
        d.bg(f"{m}/go.mod h1:{b64(rbytes(r, 32))}")
    d = corpus.new("rust/Cargo.lock")
    d.bg("version = 4", "")
    for p in ["serde", "anyhow", "regex"]:
        d.bg("[[package]]", f'name = "{p}"', 'version = "1.0.200"', 'source = "registry+https://github.com/rust-lang/crates.io-index"')
        d.neg(f'checksum = "{rs(r, HEX, 64)}"', "dev-platforms", "cargo-checksum", "crate checksum")
        d.bg("")
    d = corpus.new("services/billing/requirements.txt")
    for p in ["requests==2.32.3", "urllib3==2.2.2", "certifi==2024.7.4"]:
        d.bg(f"{p} \\")
        d.neg(f"    --hash=sha256:{rs(r, HEX, 64)}", "dev-platforms", "pip-hash", "pip hash-checking mode")
    d = corpus.new("web/public/index.html")
    d.bg("<!doctype html>", "<html>", "<head>")
    d.neg(f'  <script src="https://cdn.jsdelivr.net/npm/bootstrap@5.3.3/dist/js/bootstrap.bundle.min.js" integrity="sha384-{b64(rbytes(r, 48))}" crossorigin="anonymous"></script>',
          "dev-platforms", "sri", "subresource integrity")
    icon = b64(PNG_MAGIC + rbytes(r, 300))
    d.neg(f'  <link rel="icon" href="data:image/png;base64,{icon}">', "private-keys", "base64-image", "inline PNG")
    d.neg(f'  <meta name="google-site-verification" content="{rs(r, B64URL, 43)}">', "cloud", "site-verification", "public verification token")
    d.bg("</head>", "<body><div id=\"root\"></div></body>", "</html>")
    d = corpus.new("CHANGELOG.md")
    d.bg("# Changelog", "")
    for v in range(3):
        d.bg(f"## 2.{7 - v}.0", "")
        d.neg(f"- Fix retry storm in the webhook dispatcher ({rs(r, HEX, 40)})", "dev-platforms", "git-sha", "commit SHA")
        d.neg(f"- Bump dependencies, see https://github.com/acme/shop/compare/{rs(r, HEX, 7)}...{rs(r, HEX, 7)}", "dev-platforms", "git-sha", "short SHAs")
        d.bg("")
    d = corpus.new("release/SHA256SUMS")
    for f in ["shop-2.7.0-linux-amd64.tar.gz", "shop-2.7.0-linux-arm64.tar.gz", "shop-2.7.0-darwin-arm64.tar.gz"]:
        d.neg(f"{rs(r, HEX, 64)}  {f}", "cloud", "sha256sum", "release checksum")
    d = corpus.new("tests/fixtures/orders.json")
    d.bg("[")
    for i in range(6):
        sep = "," if i < 5 else ""
        d.neg(f'  {{"id": "{uuid4(r)}", "customer_id": "{uuid4(r)}", "total_cents": {r.randint(100, 90000)}}}{sep}', "saas", "uuid", "record identifiers")
    d.bg("]")
    d = corpus.new("services/ingest/trace_sample.log")
    for i in range(4):
        d.neg(f"2024-09-1{i}T10:0{i}:12Z INFO request_id={uuid4(r)} trace_id={rs(r, HEX, 32)} span_id={rs(r, HEX, 16)} status=200",
              "observability", "trace-ids", "trace and request identifiers")
    d.neg(f"2024-09-14T10:05:00Z INFO etag=\"{rs(r, HEX, 32)}\" object=exports/2024-09-14.csv", "observability", "etag", "S3 ETag (MD5)")
    d = corpus.new("web/dist/vendor.min.js")
    for i in range(3):
        body = ";".join(f"var {rs(r, LOWER, 1)}{i}{j}=function({rs(r, LOWER, 1)}){{return {rs(r, LOWER, 1)}.{rs(r, ALNUM, 6)}("
                        f"\"{rs(r, ALNUM, 12)}\")}}" for j in range(30))
        d.neg("!function(){" + body + "}();", "passwords-in-code", "minified-js", "minified code")
    d = corpus.new("web/src/styles/fonts.css")
    d.neg(f"@font-face {{ font-family: 'Inter'; src: url(data:font/woff2;base64,{b64(rbytes(r, 1200))}) format('woff2'); }}",
          "private-keys", "base64-font", "embedded font")
    svg = b64(b'<svg xmlns="http://www.w3.org/2000/svg">' + rbytes(r, 200))
    d.neg(f'.logo {{ background-image: url("data:image/svg+xml;base64,{svg}"); }}',
          "private-keys", "base64-image", "embedded SVG")
    d = corpus.new("docs/architecture.md")
    d.bg("# Architecture", "", "Services talk to each other over HTTPS:", "")
    d.neg("- Orders API: https://api.acme-corp.net/v1/orders?page=2&per_page=50", "urls-with-passwords", "plain-url", "URL without credentials")
    d.neg("- Metrics: http://prometheus.internal.acme-corp.net:9090/api/v1/query?query=up", "urls-with-passwords", "plain-url", "URL without credentials")
    d.neg("- Local DB: postgres://postgres@localhost:5432/orders_dev", "urls-with-passwords", "postgres-url", "user, no password")
    d.neg("- Broker: amqp://guest:guest@localhost:5672/", "urls-with-passwords", "amqp-url",
          "RabbitMQ's documented default local account (https://www.rabbitmq.com/docs/access-control#default-state)")
    d.neg("- Cache: redis://localhost:6379/0", "urls-with-passwords", "redis-url", "no credentials")
    d.neg("- Template: mongodb+srv://<username>:<password>@cluster0.example.mongodb.net/", "urls-with-passwords", "mongodb-srv-url", "placeholder credentials")
    d.neg("- Compose: postgresql://${DB_USER}:${DB_PASSWORD}@db:5432/app", "urls-with-passwords", "postgresql-url", "interpolated credentials")
    d.neg("- Docs: https://user@docs.acme-corp.net/", "urls-with-passwords", "https-basic-auth-url", "user only")
    d.neg("- Example: mysql://user:password@localhost/test", "urls-with-passwords", "mysql-url", "placeholder words as credentials")
    d = corpus.new("services/billing/tests/test_client.py")
    d.bg("import pytest", "", "from billing.client import BillingClient", "")
    d.neg('FAKE_STRIPE_KEY = "sk_test_fake"', "payments", "stripe-test-fixture", "obviously fake test value")
    d.neg('FAKE_TOKEN = "ghp_" + "0" * 36', "dev-platforms", "github-test-fixture", "built from zeros")
    d.neg('api_key = "test-api-key"', "saas", "test-fixture", "obviously fake test value")
    d.neg('AWS_SECRET = "fakeSecretKeyForTests"', "cloud", "aws-test-fixture", "obviously fake")
    d.neg('password = "hunter2"  # the classic', "passwords-in-code", "test-fixture", "famous joke password in a test")
    d.bg("", "", "def test_charge(monkeypatch):", "    client = BillingClient(FAKE_STRIPE_KEY)", "    assert client.ready")
    d = corpus.new("services/ingest/tests/test_parser.go")
    d.bg("package ingest", "", 'import "testing"', "")
    d.neg('const testToken = "xoxb-test-token"', "messaging", "slack-test-fixture", "obviously fake")
    d.neg('const exampleKey = "AKIAIOSFODNN7EXAMPLE" // AWS documentation example', "cloud", "aws-access-key-id", f"AWS documented example ({AWS_DOC})")
    d.neg(f'const checksum = "{rs(r, HEX, 64)}"', "dev-platforms", "sha256", "test checksum")
    d.bg("", "func TestParse(t *testing.T) {}")


def build(outdir):
    r = random.Random(SEED)
    corpus = Corpus()
    all_specs = specs() + url_specs() + connstring_specs() + misc_specs()
    items = spec_items(all_specs, r) + ready_lines(r)
    build_code_files(corpus, items, r)
    for fn in (doc_aws, doc_gcp, doc_private_keys, k8s_secret, doc_dotfiles, doc_compose_docker_tf, doc_appsettings,
               doc_frameworks, doc_hashes, doc_command_lines, doc_notebooks, doc_jwt_http, doc_messaging_extra,
               doc_general_negatives):
        fn(corpus, r)
    return corpus.write(outdir)


def summary(labels):
    counts = {}
    for e in labels:
        c = counts.setdefault(e["family"], {"positive": 0, "negative": 0})
        c[e["kind"]] += 1
    return counts


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    outdir = argv[1]
    os.makedirs(outdir, exist_ok=True)
    labels = build(outdir)
    counts = summary(labels)
    for fam in sorted(counts):
        print(f"{fam:22} +{counts[fam]['positive']:4} -{counts[fam]['negative']:4}", file=sys.stderr)
    pos = sum(c["positive"] for c in counts.values())
    neg = sum(c["negative"] for c in counts.values())
    print(f"{'total':22} +{pos:4} -{neg:4}  files={len({e['file'] for e in labels})}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
