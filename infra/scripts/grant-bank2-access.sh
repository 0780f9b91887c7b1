#!/bin/sh
# Post-deployment step: create Bank 2's schema, then one contained database user per function
# identity (customers, payments), each with its own least-privilege grants. ARM cannot do either
# (they are data-plane operations), and only a Microsoft Entra principal can create users FROM
# EXTERNAL PROVIDER, so run this AS THE SQL SERVER'S ENTRA ADMIN (the sqlAdmin* deployment
# parameters), signed in with `az login`.
#
# azd runs it after `azd provision` (azure.yaml, postprovision hook) with the deployment outputs
# in the environment. After `az deployment group create`, pass the resource group and deployment
# name instead and it reads the outputs itself:
#
#   TELESALES_PRINCIPAL="Telesales team" infra/scripts/grant-bank2-access.sh <resource group> <deployment>
#
# Needs: the Entra admin signed in (`az login`), this repository's virtual environment with its
# requirements (python -m adapters.bank2 migrate; ODBC Driver 18 for SQL Server installed), go-sqlcmd
# (`sqlcmd` with --authentication-method), and network access to the server: by default its public
# endpoint is closed, so run it from inside the virtual network (a VM, VPN or Bastion host there);
# a development deployment with publicNetworkAccessForDevelopment=ListedIpAddressesOnly admits
# the address in clientIpAddress.
#
# Settings read from the environment:
#   AZURE_SQL_SERVER_FQDN, AZURE_SQL_DATABASE_NAME,
#   CUSTOMERS_IDENTITY_NAME, PAYMENTS_IDENTITY_NAME                         deployment outputs
#   TELESALES_PRINCIPAL   Entra group (display name) whose members may read telesales_contacts
#   PYTHON                interpreter to use (default: .venv/bin/python, else python3)
#   SQLCMD                sqlcmd to use (default: sqlcmd)
#
# Both steps are idempotent: running the script again changes nothing.
set -eu

cd "$(dirname "$0")/../.."

fail() {
    echo "grant-bank2-access: $*" >&2
    exit 1
}

if [ "$#" -eq 2 ]; then
    command -v az >/dev/null 2>&1 || fail "az (Azure CLI) is needed to read the deployment outputs"
    outputs=$(az deployment group show --resource-group "$1" --name "$2" \
        --query '[properties.outputs.AZURE_SQL_SERVER_FQDN.value, properties.outputs.AZURE_SQL_DATABASE_NAME.value, properties.outputs.CUSTOMERS_IDENTITY_NAME.value, properties.outputs.PAYMENTS_IDENTITY_NAME.value]' \
        --output tsv) || fail "cannot read the outputs of deployment $2 in resource group $1"
    # One value per line, in the order asked for.
    AZURE_SQL_SERVER_FQDN=$(printf '%s\n' "$outputs" | sed -n 1p)
    AZURE_SQL_DATABASE_NAME=$(printf '%s\n' "$outputs" | sed -n 2p)
    CUSTOMERS_IDENTITY_NAME=$(printf '%s\n' "$outputs" | sed -n 3p)
    PAYMENTS_IDENTITY_NAME=$(printf '%s\n' "$outputs" | sed -n 4p)
elif [ "$#" -ne 0 ]; then
    fail "usage: $0 [<resource group> <deployment name>]"
fi

[ -n "${AZURE_SQL_SERVER_FQDN:-}" ] || fail "AZURE_SQL_SERVER_FQDN is not set (a deployment output)"
[ -n "${AZURE_SQL_DATABASE_NAME:-}" ] || fail "AZURE_SQL_DATABASE_NAME is not set (a deployment output)"
[ -n "${CUSTOMERS_IDENTITY_NAME:-}" ] || fail "CUSTOMERS_IDENTITY_NAME is not set (a deployment output)"
[ -n "${PAYMENTS_IDENTITY_NAME:-}" ] || fail "PAYMENTS_IDENTITY_NAME is not set (a deployment output)"
[ -n "${TELESALES_PRINCIPAL:-}" ] ||
    fail "TELESALES_PRINCIPAL is not set: the Entra group whose members read telesales_contacts (azd env set TELESALES_PRINCIPAL <group>)"

if [ -z "${PYTHON:-}" ]; then
    if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; else PYTHON=python3; fi
fi
SQLCMD=${SQLCMD:-sqlcmd}
command -v "$SQLCMD" >/dev/null 2>&1 || fail "$SQLCMD not found: install go-sqlcmd"

echo "1/2 Applying the Bank 2 migrations to $AZURE_SQL_DATABASE_NAME on $AZURE_SQL_SERVER_FQDN"
# authentication=token without client_id: azure-identity's DefaultAzureCredential, i.e. the
# az login of the admin running this script (the schema owner).
BANK2_URL="mssql+pyodbc://$AZURE_SQL_SERVER_FQDN/$AZURE_SQL_DATABASE_NAME?authentication=token" \
    "$PYTHON" -m adapters.bank2 migrate --consumer all ||
    fail "the migration failed (see above). If the server could not be reached: its public endpoint is closed unless the deployment opened it to your address, so run this from inside the virtual network"

echo "2/2 Granting $CUSTOMERS_IDENTITY_NAME and $PAYMENTS_IDENTITY_NAME their least privileges, and $TELESALES_PRINCIPAL the view"
"$SQLCMD" -S "$AZURE_SQL_SERVER_FQDN" -d "$AZURE_SQL_DATABASE_NAME" \
    --authentication-method ActiveDirectoryDefault -b \
    -v CUSTOMERS_IDENTITY="$CUSTOMERS_IDENTITY_NAME" PAYMENTS_IDENTITY="$PAYMENTS_IDENTITY_NAME" \
    TELESALES_PRINCIPAL="$TELESALES_PRINCIPAL" \
    -i adapters/engines/mssql/privileges.sql

echo "Bank 2 is ready: each function may use its own tables; $TELESALES_PRINCIPAL may read telesales_contacts."
