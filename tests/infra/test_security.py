"""Bank 2 (Azure SQL), Key Vault, storage and Application Insights, as deployed: sign-in,
roles, identities and diagnostic settings. The network is in test_network.py."""

from __future__ import annotations

from typing import Any

import pytest

from tests.infra.bicep import MAIN, Resource, Template, allowed_values
from tests.infra.deployment import PLANS, deploy, function_app

KEY_VAULT_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6"
KEY_VAULT_SECRETS_OFFICER = "b86a8fe4-44ce-4948-aee5-eccb2c155cd7"
MONITORING_METRICS_PUBLISHER = "3913510d-42f4-4e42-8a64-420c390055eb"
STORAGE_BLOB_DATA_OWNER = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"
STORAGE_QUEUE_DATA_CONTRIBUTOR = "974c5e8b-45b9-4653-ba55-5f855dd0fb88"
STORAGE_TABLE_DATA_CONTRIBUTOR = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3"


def _module(main: Template, symbol: str) -> Template:
    module = main.module(symbol)
    assert module is not None
    return module


def _one(template: Template, type_: str) -> Resource:
    (resource,) = template.resources(type_)
    return resource


def _grants(template: Template) -> list[tuple[str, str, str]]:
    """(principal id, principal type, built-in role GUID) of every role assignment."""
    grants: list[tuple[str, str, str]] = []
    for assignment in template.resources("Microsoft.Authorization/roleAssignments"):
        properties = assignment.body["properties"]
        config = template.tree["resources"][assignment.symbol]["config"]
        body = config.get("config", config)
        definition = body["properties"]["roleDefinitionId"]["function"]
        assert definition["type"] == "subscription_resource_id"
        assert (
            definition["parameters"]["resource_type"] == "Microsoft.Authorization/roleDefinitions"
        )
        role = definition["parameters"]["resource_name_1"]
        if assignment.loop:  # one assignment per item of the loop's array
            detail = config["loop_type"]["detail"]
            assert role == detail["item_name"]
            roles = template.eval(detail["array_name"])
        else:
            roles = [template.eval(role)]
        grants += [(properties["principalId"], properties["principalType"], r) for r in roles]
    return grants


HOST = "hostIdentity.properties.principalId"


def _role_ids(template: Template) -> list[str]:
    """The roles a template grants, each to the app's host identity."""
    grants = _grants(template)
    assert {(p, t) for p, t, _ in grants} == {(HOST, "ServicePrincipal")}
    return [role for _, _, role in grants]


# --- Bank 2 ---------------------------------------------------------------------------------


def test_sql_accepts_only_entra_authentication_with_the_admin_from_the_parameters() -> None:
    main = deploy(
        sqlAdminLogin="Bank2 Admins",
        sqlAdminObjectId="11111111-2222-3333-4444-555555555555",
        sqlAdminPrincipalType="Group",
    )
    server = _one(_module(main, "sql"), "Microsoft.Sql/servers")
    properties = server.body["properties"]
    assert "administratorLogin" not in properties
    assert "administratorLoginPassword" not in properties
    assert properties["administrators"] == {
        "administratorType": "ActiveDirectory",
        "azureADOnlyAuthentication": True,
        "login": "Bank2 Admins",
        "sid": "11111111-2222-3333-4444-555555555555",
        "principalType": "Group",
        "tenantId": "<subscription()>.tenantId",
    }
    assert properties["minimalTlsVersion"] == "1.2"
    assert allowed_values(MAIN, "sqlAdminPrincipalType") == ["User", "Group", "Application"]


def test_the_bank2_database_is_created_on_that_server() -> None:
    sql = _module(deploy(), "sql")
    database = _one(sql, "Microsoft.Sql/servers/databases")
    assert database.body["name"] == "bank2"
    assert sql.output("databaseName") == "database.name"


@pytest.mark.parametrize("plan", PLANS)
def test_sql_audits_sign_ins_and_privilege_changes_to_log_analytics_without_statement_text(
    plan: str,
) -> None:
    sql = _module(deploy(hostingPlan=plan), "sql")
    auditing = _one(sql, "Microsoft.Sql/servers/auditingSettings")
    assert auditing.body["name"] == "default"
    properties = auditing.body["properties"]
    assert properties["state"] == "Enabled"
    assert properties["isAzureMonitorTargetEnabled"] is True
    groups = set(properties["auditActionsAndGroups"])
    assert {
        "SUCCESSFUL_DATABASE_AUTHENTICATION_GROUP",
        "FAILED_DATABASE_AUTHENTICATION_GROUP",
        "DATABASE_PRINCIPAL_CHANGE_GROUP",
        "DATABASE_ROLE_MEMBER_CHANGE_GROUP",
        "DATABASE_PERMISSION_CHANGE_GROUP",
        "DATABASE_OBJECT_PERMISSION_CHANGE_GROUP",
        "SCHEMA_OBJECT_PERMISSION_CHANGE_GROUP",
    } <= groups
    # Statement text can carry contacts' names and phones: no batch or statement groups.
    assert not {g for g in groups if g.startswith("BATCH_") or "ACCESS" in g}
    # Audit records reach Log Analytics through the master database's diagnostic setting.
    assert auditing.body["dependsOn"] == ["auditDiagnostics"]
    (master,) = [
        spec
        for symbol, spec in sql.tree["resources"].items()
        if spec.get("existing") and spec["type"] == "Microsoft.Sql/servers/databases"
    ]
    assert master["config"]["name"] == "master"


@pytest.mark.parametrize("plan", PLANS)
def test_sql_audits_every_read_of_the_telesales_view_by_anyone(plan: str) -> None:
    sql = _module(deploy(hostingPlan=plan), "sql")
    auditing = _one(sql, "Microsoft.Sql/servers/databases/auditingSettings")
    assert auditing.body["name"] == "default"
    # On bank2 itself (the server's audit goes through master).
    assert sql.tree["resources"][auditing.symbol]["config"]["parent"] == "database"
    properties = auditing.body["properties"]
    assert properties["state"] == "Enabled"
    assert properties["isAzureMonitorTargetEnabled"] is True
    # An object-level action, which Azure accepts in a database's policy only, on the view that
    # telesales read: through ownership chaining their reads check no permission on the table,
    # and the table is read only by the customer function, whose statements stay out of the log.
    # And every delete from the removal log, the proof of erasure: the functions may only
    # insert into it, so the records are the privacy officer's retention deletes (a date, no
    # personal data in their text), or a deletion nobody should have made.
    assert properties["auditActionsAndGroups"] == [
        "SELECT ON dbo.telesales_contacts BY public",
        "DELETE ON dbo.removal_log BY public",
    ]
    # No group: SCHEMA_OBJECT_ACCESS_GROUP would record every permission use on every object
    # (both functions' every batch, with its text); no batch group either.
    assert not [item for item in properties["auditActionsAndGroups"] if "GROUP" in item]
    # No predicate: it could only drop whole records, never the statement text in them.
    assert "predicateExpression" not in properties
    # Its records reach Log Analytics through the database's own diagnostic setting.
    assert auditing.body["dependsOn"] == ["databaseDiagnostics"]


# --- Key Vault ------------------------------------------------------------------------------


def test_key_vault_uses_rbac_and_the_host_identity_may_only_read_secrets() -> None:
    keyvault = _module(deploy(), "keyVault")
    properties = _one(keyvault, "Microsoft.KeyVault/vaults").body["properties"]
    assert properties["enableRbacAuthorization"] is True
    assert "accessPolicies" not in properties
    assert properties["enableSoftDelete"] is True
    assert properties["enablePurgeProtection"] is True
    assert _role_ids(keyvault) == [KEY_VAULT_SECRETS_USER]


def test_the_operator_may_be_allowed_to_write_the_secrets_and_nobody_else() -> None:
    operator = "99999999-8888-7777-6666-555555555555"
    keyvault = _module(deploy(secretsOfficerPrincipalId=operator), "keyVault")
    assert sorted(_grants(keyvault)) == sorted(
        [
            (HOST, "ServicePrincipal", KEY_VAULT_SECRETS_USER),
            (operator, "User", KEY_VAULT_SECRETS_OFFICER),
        ]
    )


def test_the_content_share_secret_exists_only_on_elastic_premium() -> None:
    assert not list(_module(deploy(), "keyVault").resources("Microsoft.KeyVault/vaults/secrets"))
    premium = _module(deploy(hostingPlan="ElasticPremium"), "keyVault")
    (secret,) = premium.resources("Microsoft.KeyVault/vaults/secrets")
    assert secret.body["name"] == "content-share-connection"
    assert "listKeys()" in secret.body["properties"]["value"]


# --- Storage --------------------------------------------------------------------------------


@pytest.mark.parametrize("plan", PLANS)
def test_host_storage_is_private_and_tls_only(plan: str) -> None:
    storage = _module(deploy(hostingPlan=plan), "storage")
    properties = _one(storage, "Microsoft.Storage/storageAccounts").body["properties"]
    assert properties["allowBlobPublicAccess"] is False
    assert properties["minimumTlsVersion"] == "TLS1_2"
    assert properties["supportsHttpsTrafficOnly"] is True
    # Flex Consumption needs no key at all; Elastic Premium's content share still does.
    assert properties["allowSharedKeyAccess"] is (plan == "ElasticPremium")
    assert sorted(_role_ids(storage)) == sorted(
        [STORAGE_BLOB_DATA_OWNER, STORAGE_QUEUE_DATA_CONTRIBUTOR, STORAGE_TABLE_DATA_CONTRIBUTOR]
    )


def test_flex_consumption_deploys_its_package_to_a_private_container() -> None:
    storage = _module(deploy(), "storage")
    container = _one(storage, "Microsoft.Storage/storageAccounts/blobServices/containers")
    assert container.body["properties"]["publicAccess"] == "None"
    assert not list(storage.resources("Microsoft.Storage/storageAccounts/fileServices/shares"))


# --- Monitoring -----------------------------------------------------------------------------


def test_application_insights_refuses_key_based_ingestion() -> None:
    monitoring = _module(deploy(), "monitoring")
    component = _one(monitoring, "Microsoft.Insights/components")
    assert component.body["properties"]["DisableLocalAuth"] is True
    assert component.body["properties"]["WorkspaceResourceId"] == "logAnalytics.id"
    assert _role_ids(monitoring) == [MONITORING_METRICS_PUBLISHER]


# --- Identities ---------------------------------------------------------------------------

IDENTITIES = {"hostIdentity", "customersIdentity", "paymentsIdentity"}


def test_three_identities_are_created_one_for_the_host_and_one_per_function() -> None:
    main = deploy()
    identities = {
        r.symbol: r.body["name"]
        for r in main.resources("Microsoft.ManagedIdentity/userAssignedIdentities")
    }
    assert set(identities) == IDENTITIES
    assert identities["hostIdentity"].startswith("id-host-")
    assert identities["customersIdentity"].startswith("id-customers-")
    assert identities["paymentsIdentity"].startswith("id-payments-")
    # The post-deployment script creates one contained database user per function identity.
    assert main.output("CUSTOMERS_IDENTITY_NAME") == "customersIdentity.name"
    assert main.output("PAYMENTS_IDENTITY_NAME") == "paymentsIdentity.name"
    assert main.output("CUSTOMERS_IDENTITY_CLIENT_ID") == "customersIdentity.properties.clientId"
    assert main.output("PAYMENTS_IDENTITY_CLIENT_ID") == "paymentsIdentity.properties.clientId"
    assert main.output("HOST_IDENTITY_CLIENT_ID") == "hostIdentity.properties.clientId"
    assert "FUNCTION_IDENTITY_NAME" not in main.tree["outputs"]


@pytest.mark.parametrize("plan", PLANS)
def test_only_the_host_identity_holds_azure_roles(plan: str) -> None:
    # The functions' database identities get nothing in Azure: not storage, not Key Vault, not
    # Application Insights. Their only right is their database user's grants.
    operator = "99999999-8888-7777-6666-555555555555"
    main = deploy(hostingPlan=plan, secretsOfficerPrincipalId=operator)
    principals = {
        principal for template in main.all_templates() for principal, _, _ in _grants(template)
    }
    assert principals == {HOST, operator}


# --- Diagnostic settings ----------------------------------------------------------------------


def _diagnostics(template: Template) -> dict[str, tuple[Any, list[str]]]:
    """Scope -> (workspace, log categories) of every diagnostic setting a template deploys."""
    settings: dict[str, tuple[Any, list[str]]] = {}
    for setting in template.resources("Microsoft.Insights/diagnosticSettings"):
        properties = setting.body["properties"]
        categories = [log["category"] for log in properties["logs"] if log["enabled"] is True]
        settings[setting.body["scope"]] = (properties["workspaceId"], categories)
    return settings


STORAGE_LOGS = ["StorageRead", "StorageWrite", "StorageDelete"]


@pytest.mark.parametrize("plan", PLANS)
def test_every_resource_sends_its_logs_to_the_log_analytics_workspace(plan: str) -> None:
    main = deploy(hostingPlan=plan)
    workspace = _module(main, "monitoring").output("logAnalyticsWorkspaceId")
    assert workspace == "logAnalytics.id"
    expected = {
        "sql": {
            "masterDatabase": ["SQLSecurityAuditEvents"],  # the server audit
            # Operational signals only (an error's text can quote row values), and the
            # database-level audit of reads of personal data.
            "database": ["Timeouts", "Blocks", "Deadlocks", "SQLSecurityAuditEvents"],
        },
        "keyVault": {"vault": ["AuditEvent"]},
        "storage": {"blobs": STORAGE_LOGS, "queues": STORAGE_LOGS, "tables": STORAGE_LOGS}
        | ({} if plan == "FlexConsumption" else {"files": STORAGE_LOGS}),
        "functionApp": {"site": ["FunctionAppLogs"]},
    }
    for symbol, scopes in expected.items():
        diagnostics = _diagnostics(_module(main, symbol))
        assert diagnostics == {scope: (workspace, logs) for scope, logs in scopes.items()}, symbol
    assert function_app(main).params["logAnalyticsWorkspaceId"] == workspace
