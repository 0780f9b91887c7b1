"""The Function App as each hosting plan deploys it: Linux, Python, scaling, identity, TLS."""

from __future__ import annotations

import itertools

import pytest

from tests.infra.bicep import MAIN, allowed_values
from tests.infra.deployment import NETWORK_ACCESS, PLANS, app_settings, deploy, module, plan, site


@pytest.mark.parametrize("hosting_plan", PLANS)
def test_the_app_is_a_linux_function_app_with_only_user_assigned_identities(
    hosting_plan: str,
) -> None:
    main = deploy(hostingPlan=hosting_plan)
    app = site(main)
    assert app.body["kind"] == "functionapp,linux"
    assert plan(main).body["properties"]["reserved"] is True  # a Linux plan
    # The host's identity and each function's database identity; no system-assigned one.
    assert app.body["identity"] == {
        "type": "UserAssigned",
        "userAssignedIdentities": {
            "hostIdentity.id": {},
            "customersIdentity.id": {},
            "paymentsIdentity.id": {},
        },
    }
    properties = app.body["properties"]
    # The platform resolves Key Vault references as the host, never as a function's identity.
    assert properties["keyVaultReferenceIdentity"] == "hostIdentity.id"
    assert properties["httpsOnly"] is True
    assert properties["siteConfig"]["minTlsVersion"] == "1.2"
    assert properties["siteConfig"]["scmMinTlsVersion"] == "1.2"
    assert app.body["tags"]["azd-service-name"] == "customers"


def test_python_is_3_13_the_version_the_pinned_worker_runtime_needs() -> None:
    assert allowed_values(MAIN, "pythonVersion") == ["3.13"]
    assert deploy().params["pythonVersion"] == "3.13"


@pytest.mark.parametrize("python", ["3.13"])
def test_flex_consumption_is_the_default_and_runs_python_from_function_app_config(
    python: str,
) -> None:
    main = deploy(pythonVersion=python)
    assert main.params["hostingPlan"] == "FlexConsumption"
    assert plan(main).body["sku"] == {"name": "FC1", "tier": "FlexConsumption"}
    config = site(main).body["properties"]["functionAppConfig"]
    assert config["runtime"] == {"name": "python", "version": python}
    assert config["deployment"]["storage"]["type"] == "blobContainer"
    assert config["deployment"]["storage"]["authentication"] == {
        "type": "UserAssignedIdentity",
        "userAssignedIdentityResourceId": "hostIdentity.id",
    }
    # One on-demand instance per partition of the default 4 (tests/infra/test_scaling.py).
    assert config["scaleAndConcurrency"]["maximumInstanceCount"] == 4
    assert config["scaleAndConcurrency"]["instanceMemoryMB"] == 2048


def test_flex_consumption_sets_nothing_the_plan_rejects_or_ignores() -> None:
    main = deploy(hostingPlan="FlexConsumption")
    site_config = site(main).body["properties"]["siteConfig"]
    for deprecated in (
        "linuxFxVersion",
        "ftpsState",  # no FTP at all on Flex Consumption
        "functionAppScaleLimit",
        "functionsRuntimeScaleMonitoringEnabled",
        "vnetRouteAllEnabled",
    ):
        assert site_config[deprecated] is None, deprecated
    assert site(main).body["properties"]["reserved"] is None
    settings = app_settings(main)
    for setting in (
        "FUNCTIONS_WORKER_RUNTIME",
        "FUNCTIONS_EXTENSION_VERSION",
        "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
        "WEBSITE_CONTENTSHARE",
        "WEBSITE_RUN_FROM_PACKAGE",
    ):
        assert setting not in settings, setting


@pytest.mark.parametrize("partitions", [1, 4, 12])
def test_elastic_premium_scales_with_runtime_scale_monitoring_up_to_the_partitions(
    partitions: int,
) -> None:
    main = deploy(hostingPlan="ElasticPremium", kafkaTopicPartitions=partitions)
    assert plan(main).body["kind"] == "elastic"
    assert plan(main).body["sku"] == {"name": "EP1", "tier": "ElasticPremium", "family": "EP"}
    assert plan(main).body["properties"]["maximumElasticWorkerCount"] == partitions
    app = site(main).body["properties"]
    assert app["functionAppConfig"] is None
    assert app["reserved"] is True
    site_config = app["siteConfig"]
    assert site_config["functionsRuntimeScaleMonitoringEnabled"] is True
    assert site_config["functionAppScaleLimit"] == partitions
    assert site_config["minimumElasticInstanceCount"] == 1
    assert site_config["linuxFxVersion"] == "Python|3.13"
    assert site_config["ftpsState"] == "Disabled"
    settings = app_settings(main)
    assert settings["FUNCTIONS_WORKER_RUNTIME"] == "python"
    assert settings["FUNCTIONS_EXTENSION_VERSION"] == "~4"


def test_elastic_premium_runs_python_3_13_when_asked() -> None:
    main = deploy(hostingPlan="ElasticPremium", pythonVersion="3.13")
    assert site(main).body["properties"]["siteConfig"]["linuxFxVersion"] == "Python|3.13"


@pytest.mark.parametrize("hosting_plan", PLANS)
def test_host_storage_is_reached_with_the_host_identity(hosting_plan: str) -> None:
    settings = app_settings(deploy(hostingPlan=hosting_plan))
    assert "AzureWebJobsStorage" not in settings  # no connection string
    assert settings["AzureWebJobsStorage__accountName"] == "account.name"
    assert settings["AzureWebJobsStorage__credential"] == "managedidentity"
    assert settings["AzureWebJobsStorage__clientId"] == "hostIdentity.properties.clientId"


@pytest.mark.parametrize("hosting_plan", PLANS)
def test_application_insights_ingestion_is_entra_authenticated_as_the_host_identity(
    hosting_plan: str,
) -> None:
    settings = app_settings(deploy(hostingPlan=hosting_plan))
    assert (
        settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"]
        == "ClientId=hostIdentity.properties.clientId;Authorization=AAD"
    )
    assert (
        settings["APPLICATIONINSIGHTS_CONNECTION_STRING"]
        == "applicationInsights.properties.ConnectionString"
    )
    # adapters/stream/telemetry.py signs in for ingestion as AZURE_CLIENT_ID.
    assert settings["AZURE_CLIENT_ID"] == "hostIdentity.properties.clientId"


def test_elastic_premium_reads_its_content_share_connection_from_key_vault() -> None:
    main = deploy(hostingPlan="ElasticPremium")
    settings = app_settings(main)
    assert settings["WEBSITE_CONTENTAZUREFILECONNECTIONSTRING"] == (
        "@Microsoft.KeyVault(SecretUri=vault.properties.vaultUrisecrets/content-share-connection/)"
    )
    assert settings["WEBSITE_SKIP_CONTENTSHARE_VALIDATION"] == "1"
    storage = main.module("storage")
    assert storage is not None
    (share,) = storage.resources("Microsoft.Storage/storageAccounts/fileServices/shares")
    assert share.body["name"] == settings["WEBSITE_CONTENTSHARE"]


@pytest.mark.parametrize(
    ("hosting_plan", "network"), list(itertools.product(PLANS, NETWORK_ACCESS))
)
def test_every_deployment_puts_the_app_in_the_virtual_network(
    hosting_plan: str, network: str
) -> None:
    main = deploy(hostingPlan=hosting_plan, publicNetworkAccessForDevelopment=network)
    properties = site(main).body["properties"]
    vnet = module(main, "network")
    assert properties["virtualNetworkSubnetId"] == vnet.output("appSubnetId")
    (virtual_network,) = vnet.resources("Microsoft.Network/virtualNetworks")
    app_subnet, endpoint_subnet = virtual_network.body["properties"]["subnets"]
    assert vnet.output("appSubnetId") == "vnet.properties.subnets[0].id"
    assert vnet.output("privateEndpointSubnetId") == "vnet.properties.subnets[1].id"
    assert endpoint_subnet["properties"]["privateEndpointNetworkPolicies"] == "Disabled"
    delegation = app_subnet["properties"]["delegations"][0]["properties"]["serviceName"]
    if hosting_plan == "FlexConsumption":
        # Flex Consumption's documented delegation; it routes all traffic through the network.
        assert delegation == "Microsoft.App/environments"
        assert properties["siteConfig"]["vnetRouteAllEnabled"] is None
        assert properties["vnetContentShareEnabled"] is None
    else:
        # Linux Elastic Premium reaches the private Key Vault (references) and its content share
        # only with its traffic routed through the network.
        assert delegation == "Microsoft.Web/serverFarms"
        assert properties["siteConfig"]["vnetRouteAllEnabled"] is True
        assert properties["vnetContentShareEnabled"] is True
