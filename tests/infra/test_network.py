"""The network, as deployed: private by default, and the development opt-out.

By default SQL, Key Vault and the host storage account accept no public traffic: the app is
integrated into the virtual network and reaches each of them through a private endpoint whose
private DNS zone makes the usual host name resolve to it. A development deployment may open SQL
and Key Vault (never storage) to listed public addresses, and to nothing else: no variant lets
"all Azure services" (the 0.0.0.0 firewall rule, AllowAllWindowsAzureIps) in.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from tests.infra.bicep import INFRA, MAIN, Resource, Template, allowed_values, bicep_files, parsed
from tests.infra.deployment import NETWORK_ACCESS, PLANS, deploy, module

ADDRESSES = {"allowedIpAddresses": ["203.0.113.7"], "clientIpAddress": "198.51.100.4"}
OPT_OUT = {"publicNetworkAccessForDevelopment": "ListedIpAddressesOnly"}

# Azure public cloud's environment() suffixes, to read the zone names the templates compute.
PUBLIC_CLOUD = {
    "${environment().suffixes.sqlServerHostname}": ".database.windows.net",
    "${environment().suffixes.storage}": "core.windows.net",
}


def _one(template: Template, type_: str) -> Resource:
    (resource,) = template.resources(type_)
    return resource


def _sql_server(main: Template) -> dict[str, Any]:
    properties: dict[str, Any] = _one(module(main, "sql"), "Microsoft.Sql/servers").body[
        "properties"
    ]
    return properties


def _vault(main: Template) -> dict[str, Any]:
    properties: dict[str, Any] = _one(module(main, "keyVault"), "Microsoft.KeyVault/vaults").body[
        "properties"
    ]
    return properties


def _storage(main: Template) -> dict[str, Any]:
    account = _one(module(main, "storage"), "Microsoft.Storage/storageAccounts")
    properties: dict[str, Any] = account.body["properties"]
    return properties


def _firewall_addresses(main: Template) -> list[str]:
    """The addresses the SQL firewall admits: one rule per item of its only (looped) rule."""
    sql = module(main, "sql")
    rules = list(sql.resources("Microsoft.Sql/servers/firewallRules"))
    if not rules:
        return []
    (rule,) = rules
    assert rule.loop  # no fixed rule, such as AllowAllWindowsAzureIps
    body = sql.tree["resources"][rule.symbol]["config"]["config"]
    item = sql.tree["resources"][rule.symbol]["config"]["loop_type"]["detail"]["item_name"]
    # Each rule is exactly one address: from the item to the item.
    assert body["properties"] == {"startIpAddress": item, "endIpAddress": item}
    addresses: list[str] = sql.loop_items(rule.symbol)
    return addresses


# --- Private by default -------------------------------------------------------------------------


def test_private_is_the_default_in_bicep_and_in_azd() -> None:
    assert allowed_values(MAIN, "publicNetworkAccessForDevelopment") == list(NETWORK_ACCESS)
    assert deploy().params["publicNetworkAccessForDevelopment"] == "Disabled"
    parameters = json.loads((INFRA / "main.parameters.json").read_text())["parameters"]
    assert parameters["publicNetworkAccessForDevelopment"] == {
        "value": "${PUBLIC_NETWORK_ACCESS_FOR_DEVELOPMENT=Disabled}"
    }
    # The parameters of the public-firewall design are gone, not left to mislead.
    assert {"sqlNetworkAccess", "sqlFirewallAllowedIpAddresses", "sqlClientIpAddress"}.isdisjoint(
        parsed(MAIN)["parameters"]
    )


@pytest.mark.parametrize("plan", PLANS)
def test_by_default_sql_key_vault_and_storage_have_no_public_endpoint(plan: str) -> None:
    # Addresses given without the opt-out are ignored.
    main = deploy(hostingPlan=plan, **ADDRESSES)
    assert _sql_server(main)["publicNetworkAccess"] == "Disabled"
    assert _firewall_addresses(main) == []
    vault = _vault(main)
    assert vault["publicNetworkAccess"] == "Disabled"
    assert vault["networkAcls"] == {"defaultAction": "Deny", "bypass": "None", "ipRules": []}
    storage = _storage(main)
    assert storage["publicNetworkAccess"] == "Disabled"
    assert storage["networkAcls"] == {"defaultAction": "Deny", "bypass": "None"}
    assert main.output("PUBLIC_NETWORK_ACCESS_FOR_DEVELOPMENT") == "Disabled"


# --- The development opt-out ----------------------------------------------------------------------


@pytest.mark.parametrize("plan", PLANS)
def test_the_development_opt_out_admits_the_listed_addresses_and_nothing_else(plan: str) -> None:
    main = deploy(hostingPlan=plan, **OPT_OUT, **ADDRESSES)
    listed = ["203.0.113.7", "198.51.100.4"]  # allowedIpAddresses, then clientIpAddress
    assert _sql_server(main)["publicNetworkAccess"] == "Enabled"
    assert _firewall_addresses(main) == listed
    vault = _vault(main)
    assert vault["publicNetworkAccess"] == "Enabled"
    assert vault["networkAcls"] == {
        "defaultAction": "Deny",
        "bypass": "None",
        "ipRules": [{"value": address} for address in listed],
    }
    # Nothing outside the network needs the host storage: it stays closed.
    assert _storage(main)["publicNetworkAccess"] == "Disabled"
    # The app still goes through the private endpoints.
    assert module(main, "sqlPrivateEndpoint")
    assert module(main, "vaultPrivateEndpoint")


def test_the_opt_out_without_addresses_admits_nobody() -> None:
    main = deploy(**OPT_OUT)
    assert _firewall_addresses(main) == []
    assert _vault(main)["networkAcls"]["ipRules"] == []
    assert _vault(main)["networkAcls"]["defaultAction"] == "Deny"


@pytest.mark.parametrize(
    ("plan", "network", "addresses"),
    list(itertools.product(PLANS, NETWORK_ACCESS, (False, True))),
)
def test_no_variant_lets_all_azure_services_in(plan: str, network: str, addresses: bool) -> None:
    given = ADDRESSES if addresses else {}
    main = deploy(hostingPlan=plan, publicNetworkAccessForDevelopment=network, **given)
    for template in main.all_templates():
        for resource in template.resources():
            text = repr(resource.body)
            assert "AllowAllWindowsAzureIps" not in text, resource.symbol
            assert "0.0.0.0" not in text, resource.symbol  # noqa: S104 - searched for, not bound
            assert "'bypass': 'AzureServices'" not in text, resource.symbol
    assert set(_firewall_addresses(main)) <= {"203.0.113.7", "198.51.100.4"}


@pytest.mark.parametrize("path", bicep_files(), ids=lambda p: str(p.relative_to(INFRA)))
def test_no_template_declares_the_azure_services_rule(path: Any) -> None:
    # The parse tree holds code, not comments (which explain why the rule is absent).
    tree = repr(parsed(path))
    assert "AllowAllWindowsAzureIps" not in tree
    # 0.0.0.0 appears only where main.bicep takes it out of the listed addresses.
    excluded = "'operand_1': 'address', 'operand_2': '0.0.0.0'"
    assert tree.count("0.0.0.0") == tree.count(excluded)  # noqa: S104 - searched for, not bound


def test_listing_0_0_0_0_never_opens_the_firewall_to_all_azure_services() -> None:
    # As a SQL firewall rule, 0.0.0.0 to 0.0.0.0 means "every Azure service of every tenant".
    main = deploy(
        publicNetworkAccessForDevelopment="ListedIpAddressesOnly",
        allowedIpAddresses=["0.0.0.0", "203.0.113.7"],  # noqa: S104 - a value, not bound
        clientIpAddress="0.0.0.0",  # noqa: S104
    )
    assert _firewall_addresses(main) == ["203.0.113.7"]


# --- Private endpoints and their DNS zones --------------------------------------------------------


def _expected_endpoints(plan: str) -> dict[str, tuple[str, str, str]]:
    """Module -> (service id, sub-resource, private DNS zone as the template computes it)."""
    storage_zone = "privatelink.{}.${{environment().suffixes.storage}}"
    expected = {
        "sqlPrivateEndpoint": (
            "server.id",
            "sqlServer",
            "privatelink${environment().suffixes.sqlServerHostname}",
        ),
        "vaultPrivateEndpoint": ("vault.id", "vault", "privatelink.vaultcore.azure.net"),
        "blobPrivateEndpoint": ("account.id", "blob", storage_zone.format("blob")),
        "queuePrivateEndpoint": ("account.id", "queue", storage_zone.format("queue")),
        "tablePrivateEndpoint": ("account.id", "table", storage_zone.format("table")),
    }
    if plan == "ElasticPremium":  # the Azure Files content share
        expected["filePrivateEndpoint"] = ("account.id", "file", storage_zone.format("file"))
    return expected


@pytest.mark.parametrize(("plan", "network"), list(itertools.product(PLANS, NETWORK_ACCESS)))
def test_every_service_the_app_uses_has_a_private_endpoint_with_its_dns_zone(
    plan: str, network: str
) -> None:
    main = deploy(hostingPlan=plan, publicNetworkAccessForDevelopment=network)
    vnet = module(main, "network")
    expected = _expected_endpoints(plan)
    deployed = {s for s in main.module_symbols() if s.endswith("PrivateEndpoint")}
    assert {s for s in deployed if main.module(s) is not None} == set(expected)
    for symbol, (service, group, zone_name) in expected.items():
        endpoint_module = module(main, symbol)
        zone = _one(endpoint_module, "Microsoft.Network/privateDnsZones")
        assert zone.body["name"] == zone_name
        assert zone.body["location"] == "global"
        link = _one(endpoint_module, "Microsoft.Network/privateDnsZones/virtualNetworkLinks")
        assert link.body["properties"] == {
            "registrationEnabled": False,
            "virtualNetwork": {"id": vnet.output("id")},
        }
        endpoint = _one(endpoint_module, "Microsoft.Network/privateEndpoints")
        assert endpoint.body["properties"]["subnet"] == {
            "id": vnet.output("privateEndpointSubnetId")
        }
        (connection,) = endpoint.body["properties"]["privateLinkServiceConnections"]
        assert connection["properties"] == {"privateLinkServiceId": service, "groupIds": [group]}
        group_resource = _one(
            endpoint_module, "Microsoft.Network/privateEndpoints/privateDnsZoneGroups"
        )
        (config,) = group_resource.body["properties"]["privateDnsZoneConfigs"]
        assert config["properties"] == {"privateDnsZoneId": "zone.id"}


def test_the_zones_are_the_documented_ones_in_azure_public_cloud() -> None:
    # learn.microsoft.com/azure/private-link/private-endpoint-dns: SQL Database (sqlServer),
    # Key Vault (vault), Storage (blob, queue, table, file).
    zones = set()
    for _, _, computed in _expected_endpoints("ElasticPremium").values():
        zone = computed
        for expression, suffix in PUBLIC_CLOUD.items():
            zone = zone.replace(expression, suffix)
        zones.add(zone)
    assert zones == {
        "privatelink.database.windows.net",
        "privatelink.vaultcore.azure.net",
        "privatelink.blob.core.windows.net",
        "privatelink.queue.core.windows.net",
        "privatelink.table.core.windows.net",
        "privatelink.file.core.windows.net",
    }


def test_the_app_is_created_only_after_its_private_endpoints() -> None:
    config = parsed(MAIN)["modules"]["functionApp"]["config"]
    endpoints = {s for s in parsed(MAIN)["modules"] if s.endswith("PrivateEndpoint")}
    assert set(config["dependsOn"]) == endpoints
