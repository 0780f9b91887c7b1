// Bank 2: an Azure SQL logical server that accepts only Microsoft Entra authentication (no SQL
// logins at all, so no password exists to leak), TLS 1.2 or later, and the Bank 2 database.
//
// Network: the app reaches the server through its private endpoint (main.bicep,
// core/private-endpoint.bicep). The public endpoint is Disabled unless a development deployment
// opens it to listed addresses; there is no "Allow Azure services" rule (AllowAllWindowsAzureIps,
// 0.0.0.0) in any mode: it would admit every Azure-hosted client of every tenant.
//
// Auditing: sign-ins (successful and failed) and changes to principals, role membership,
// permissions and schema go to Log Analytics: server auditing with the Azure Monitor target, and
// the diagnostic setting on the master database that carries SQLSecurityAuditEvents (the pattern
// of azure-quickstart-templates quickstarts/microsoft.sql/sql-auditing-server-policy-to-oms).
// BATCH_COMPLETED_GROUP (Azure's default set) is left out on purpose: it records statement text,
// and this database holds contacts' names and phone numbers.
//
// Who read what: a database-level audit of bank2 records every SELECT on dbo.telesales_contacts,
// the view telesales read (see "Reads of personal data" below; docs/security.md, "Who read what").
//
// ARM cannot create database users: the post-deployment script (infra/scripts/grant-bank2-access.sh)
// creates the schema and the functions' contained users, as the Entra admin set here.

param location string
param tags object
param serverName string
param databaseName string
param databaseSku object

param adminLogin string
param adminObjectId string

@allowed([
  'User'
  'Group'
  'Application'
])
param adminPrincipalType string

@allowed([
  'Disabled'
  'Enabled'
])
@description('Disabled: private endpoint only. Enabled (development only): also the public endpoint, for allowedIpAddresses and nothing else.')
param publicNetworkAccess string

@description('Public IPv4 addresses let through the firewall when publicNetworkAccess is Enabled.')
param allowedIpAddresses array

@description('Resource id of the Log Analytics workspace that receives the audit and diagnostic logs.')
param logAnalyticsWorkspaceId string

var publicEndpointOpen = publicNetworkAccess == 'Enabled'

// Database-level audit action groups (accepted values of Azure's auditActionsAndGroups, as listed
// for Set-AzSqlServerAudit -AuditActionGroup).
var auditActionGroups = [
  'SUCCESSFUL_DATABASE_AUTHENTICATION_GROUP'
  'FAILED_DATABASE_AUTHENTICATION_GROUP'
  'DATABASE_PRINCIPAL_CHANGE_GROUP'
  'DATABASE_ROLE_MEMBER_CHANGE_GROUP'
  'DATABASE_PERMISSION_CHANGE_GROUP'
  'DATABASE_OBJECT_PERMISSION_CHANGE_GROUP'
  'SCHEMA_OBJECT_PERMISSION_CHANGE_GROUP'
  'SCHEMA_OBJECT_CHANGE_GROUP'
  'DATABASE_OBJECT_CHANGE_GROUP'
]

resource server 'Microsoft.Sql/servers@2023-08-01' = {
  name: serverName
  location: location
  tags: tags
  properties: {
    version: '12.0'
    minimalTlsVersion: '1.2'
    publicNetworkAccess: publicNetworkAccess
    administrators: {
      administratorType: 'ActiveDirectory'
      azureADOnlyAuthentication: true
      login: adminLogin
      sid: adminObjectId
      principalType: adminPrincipalType
      tenantId: subscription().tenantId
    }
  }
}

resource database 'Microsoft.Sql/servers/databases@2023-08-01' = {
  parent: server
  name: databaseName
  location: location
  tags: tags
  sku: databaseSku
  properties: {
    collation: 'SQL_Latin1_General_CP1_CI_AS'
    requestedBackupStorageRedundancy: 'Local'
  }
}

// One rule per listed address, only while the public endpoint is open. Entra-only sign-in still
// applies to every caller.
resource allowedAddresses 'Microsoft.Sql/servers/firewallRules@2023-08-01' = [for (address, index) in (publicEndpointOpen ? allowedIpAddresses : []): {
  parent: server
  name: 'allowed-${index}'
  properties: {
    startIpAddress: address
    endIpAddress: address
  }
}]

// --- Auditing and diagnostics -------------------------------------------------------------------

resource masterDatabase 'Microsoft.Sql/servers/databases@2023-08-01' existing = {
  parent: server
  name: 'master'
}

// Server audit records reach Log Analytics through this setting on master.
resource auditDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'sql-security-audit'
  scope: masterDatabase
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'SQLSecurityAuditEvents'
        enabled: true
      }
    ]
  }
}

resource auditing 'Microsoft.Sql/servers/auditingSettings@2023-08-01' = {
  parent: server
  name: 'default'
  properties: {
    state: 'Enabled'
    isAzureMonitorTargetEnabled: true
    auditActionsAndGroups: auditActionGroups
  }
  dependsOn: [
    auditDiagnostics
  ]
}

// --- Reads of personal data ----------------------------------------------------------------------
//
// Which audit items record reads:
// * SCHEMA_OBJECT_ACCESS_GROUP records every use of an object permission (SELECT, INSERT, UPDATE,
//   DELETE, EXECUTE...) on every object of every database: every batch of both functions, the
//   offsets, the payments, each with its statement text. Not used: too wide for the question.
// * DATABASE_OBJECT_ACCESS_GROUP is about database objects such as certificates and asymmetric
//   keys, not tables: it records no read of a row.
// * Database-level actions "{action} ON {object} BY {principal}" record exactly one action on one
//   object. Azure accepts them in a database's auditing policy only (not in the server's), hence
//   this second, database-level audit beside the server's, the case Azure's documentation allows
//   ("audit event types or categories for a specific database that differ from the rest").
// SELECT is audited on the view, which is what telesales read (the only object their role may
// read): through ownership chaining (same owner, dbo) no permission is checked on contact_state
// for them, so an item on the table would never see their reads. The table itself is not
// audited: only the customer function reads it, in every batch, and its records would only add
// its statements to the log. BY public: every user is in public.
//
// Each record names the principal, the time, the object, and (data_sensitivity_information) the
// labels and information types of the classified columns the read returned: migration 0005
// classifies contact_state.name (Name) and phone (Contact Info).
//
// Privacy: an audited SELECT's record carries its statement text. The functions never read the
// view, so none of their statements is recorded. An ad hoc query can carry a phone number or a
// name in its WHERE clause, and its record
// will too: the audit log then holds that personal data, under the workspace's access control and
// retention. No documented setting drops the statement field: predicateExpression (a WHERE
// clause on audit fields) keeps or drops whole records, and dropping a read's record to keep its
// literal out of the log would hide the very reads LGPD asks us to account for. So no
// predicateExpression: the items themselves are what limits what is recorded.
//
// Deletes from the removal log (docs/lgpd.md), the proof of erasure, are audited too: the
// functions may only insert into it, so every delete is the privacy officer's retention (or
// someone who should not), and its statement text holds a date, no personal data.
var personalDataReads = [
  'SELECT ON dbo.telesales_contacts BY public'
  'DELETE ON dbo.removal_log BY public'
]

resource databaseAuditing 'Microsoft.Sql/servers/databases/auditingSettings@2023-08-01' = {
  parent: database
  name: 'default'
  properties: {
    state: 'Enabled'
    isAzureMonitorTargetEnabled: true
    auditActionsAndGroups: personalDataReads
  }
  dependsOn: [
    databaseDiagnostics
  ]
}

// Bank 2's own operational logs (categories of "Supported logs for Microsoft.Sql/servers/
// databases"): timeouts, blocking and deadlocks, the signals behind a batch that keeps failing.
// Not Errors: an error's text can quote row values (error 2628 quotes the truncated value), and the
// function's own logs already carry each store error's code. SQLSecurityAuditEvents: a
// database-level audit reaches Log Analytics through this setting on the database itself, as the
// server audit does through master's.
resource databaseDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'bank2-diagnostics'
  scope: database
  properties: {
    workspaceId: logAnalyticsWorkspaceId
    logs: [
      {
        category: 'Timeouts'
        enabled: true
      }
      {
        category: 'Blocks'
        enabled: true
      }
      {
        category: 'Deadlocks'
        enabled: true
      }
      {
        category: 'SQLSecurityAuditEvents'
        enabled: true
      }
    ]
  }
}

output id string = server.id
output fullyQualifiedDomainName string = server.properties.fullyQualifiedDomainName
output serverName string = server.name
output databaseName string = database.name
