"""Create (or check) the Keystone identities MountStore's tests and demo use, then write them down.

Run by servers/keystone/start.sh with KEYSTONE_URL, SWIFT_URL, OUT, ADMIN_PASSWORD,
SERVICE_USER and SERVICE_PASSWORD in the environment. Safe to run again: it looks before it creates.
"""
import os
import sys

import requests

ENV = os.environ
KEYSTONE = ENV["KEYSTONE_URL"].rstrip("/")
SWIFT = ENV["SWIFT_URL"].rstrip("/")
OUT = ENV["OUT"]
DEMO_PASSWORD = "demo-secret"
APPCRED_NAME, APPCRED_SECRET = "mountstore-appcred", "appcred-secret"
http = requests.Session()


def call(method, path, token=None, expect=(200, 201, 204), **kwargs):
    headers = {"X-Auth-Token": token} if token else {}
    response = http.request(method, KEYSTONE + path, headers=headers, **kwargs)
    if response.status_code not in expect:
        sys.exit(f"Keystone {method} {path} answered {response.status_code}: {response.text[:300]}")
    return response


def login(user, password, project_id=None, project_name=None):
    project = {"id": project_id} if project_id else {"name": project_name, "domain": {"id": "default"}}
    body = {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {"name": user, "domain": {"id": "default"}, "password": password}}},
        "scope": {"project": project}}}
    return call("POST", "/auth/tokens", json=body, expect=(201,)).headers["X-Subject-Token"]


admin = login("admin", ENV["ADMIN_PASSWORD"], project_name="admin")


def find(collection, **filters):
    items = call("GET", "/" + collection, admin, params=filters).json()[collection]
    return items[0] if items else None


def ensure(collection, body, **filters):
    found = find(collection, **filters)
    if found:
        return found
    return call("POST", "/" + collection, admin, json={collection[:-1]: body}).json()[collection[:-1]]


def ensure_project(name):
    return ensure("projects", {"name": name, "domain_id": "default"}, name=name, domain_id="default")


def ensure_user(name, password, project):
    user = find("users", name=name, domain_id="default")
    if user is None:
        user = call("POST", "/users", admin, json={"user": {
            "name": name, "password": password, "domain_id": "default", "default_project_id": project["id"]}}).json()["user"]
    return user


def grant(project, user, role):
    call("PUT", f"/projects/{project['id']}/users/{user['id']}/roles/{role['id']}", admin)


roles = {name: ensure("roles", {"name": name}, name=name) for name in ("admin", "member", "swiftoperator", "ResellerAdmin")}
demo_project, noop_project, service_project = (ensure_project(n) for n in ("demo", "demo-noop", "service"))
demo = ensure_user("demo", DEMO_PASSWORD, demo_project)
grant(demo_project, demo, roles["member"])
grant(demo_project, demo, roles["swiftoperator"])  # keystoneauth lets only operator roles into an account
grant(noop_project, demo, roles["member"])  # a project where demo may log in but not use Swift
service = ensure_user(ENV["SERVICE_USER"], ENV["SERVICE_PASSWORD"], service_project)
grant(service_project, service, roles["admin"])  # the proxy validates other users' tokens as this user

if call("GET", "/regions/RegionTwo", admin, expect=(200, 404)).status_code == 404:
    call("POST", "/regions", admin, json={"region": {"id": "RegionTwo"}})
object_store = ensure("services", {"type": "object-store", "name": "swift"}, type="object-store")
# RegionOne's internal endpoint names the same proxy as "localhost", so a test can tell which was
# chosen; RegionTwo points where nothing listens: it exists to be chosen, never to be used.
wanted = {
    ("RegionOne", "public"): f"{SWIFT}/v1/AUTH_%(project_id)s",
    ("RegionOne", "internal"): SWIFT.replace("127.0.0.1", "localhost") + "/v1/AUTH_%(project_id)s",
    ("RegionOne", "admin"): f"{SWIFT}/v1",
    ("RegionTwo", "public"): SWIFT.replace("127.0.0.1", "127.0.0.2") + "/v1/AUTH_%(project_id)s",
}
existing = call("GET", "/endpoints", admin, params={"service_id": object_store["id"]}).json()["endpoints"]
for (region, interface), url in wanted.items():
    match = [e for e in existing if e["region_id"] == region and e["interface"] == interface]
    if not match:
        call("POST", "/endpoints", admin, json={"endpoint": {
            "service_id": object_store["id"], "region_id": region, "interface": interface, "url": url}})
    elif match[0]["url"] != url:
        call("PATCH", f"/endpoints/{match[0]['id']}", admin, json={"endpoint": {"url": url}})

demo_token = login("demo", DEMO_PASSWORD, project_id=demo_project["id"])
credentials = call("GET", f"/users/{demo['id']}/application_credentials", demo_token, params={"name": APPCRED_NAME}).json()["application_credentials"]
appcred = credentials[0] if credentials else call("POST", f"/users/{demo['id']}/application_credentials", demo_token, json={
    "application_credential": {"name": APPCRED_NAME, "secret": APPCRED_SECRET}}).json()["application_credential"]
ec2 = [c for c in call("GET", f"/users/{demo['id']}/credentials/OS-EC2", demo_token).json()["credentials"]
       if c.get("tenant_id") == demo_project["id"]]
ec2 = ec2[0] if ec2 else call("POST", f"/users/{demo['id']}/credentials/OS-EC2", demo_token,
                              json={"tenant_id": demo_project["id"]}).json()["credential"]

values = {
    "KEYSTONE_AUTH_URL": KEYSTONE,
    "ADMIN_PASSWORD": ENV["ADMIN_PASSWORD"],
    "DEMO_USER": "demo", "DEMO_USER_ID": demo["id"], "DEMO_PASSWORD": DEMO_PASSWORD,
    "DEMO_PROJECT": "demo", "DEMO_PROJECT_ID": demo_project["id"], "NOOP_PROJECT": "demo-noop",
    "DEMO_STORAGE_URL": f"{SWIFT}/v1/AUTH_{demo_project['id']}",
    "APPCRED_NAME": APPCRED_NAME, "APPCRED_ID": appcred["id"], "APPCRED_SECRET": APPCRED_SECRET,
    "EC2_ACCESS": ec2["access"], "EC2_SECRET": ec2["secret"], "S3_ENDPOINT": SWIFT,
}
with open(os.path.join(OUT, "keystone.env"), "w") as f:
    f.writelines(f"{k}={v}\n" for k, v in values.items())
os.chmod(os.path.join(OUT, "keystone.env"), 0o600)
common = f"export OS_AUTH_URL={KEYSTONE}\nexport OS_IDENTITY_API_VERSION=3\nexport OS_REGION_NAME=RegionOne\nexport OS_INTERFACE=public\n"
openrc = {
    "demo-openrc.sh": common + f"export OS_USERNAME=demo OS_PASSWORD={DEMO_PASSWORD} OS_PROJECT_NAME=demo\n"
                               "export OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default\n",
    "appcred-openrc.sh": common + f"export OS_AUTH_TYPE=v3applicationcredential\n"
                                  f"export OS_APPLICATION_CREDENTIAL_ID={appcred['id']} OS_APPLICATION_CREDENTIAL_SECRET={APPCRED_SECRET}\n",
}
for name, text in openrc.items():
    path = os.path.join(OUT, name)
    with open(path, "w") as f:
        f.write(f"# source me: Keystone v3 login for the local test cloud ({name[:-10]})\n" + text)
    os.chmod(path, 0o600)
