// Two log alert rules (scheduled queries over this app's own Application Insights resource, so no
// role-name filter is needed):
//
// * sustained failures: the project_customers function failed in each of three consecutive
//   5-minute windows. One failed batch is retried by the host and usually lands; a partition that
//   keeps failing stops advancing (commitOnFailure is false), which is what needs a person.
// * rejects above a threshold: the function logs one structured line per batch whose custom
//   dimensions include batch_rejected (service/customers/projection.py, BatchSummary.as_fields);
//   the rule adds them up over 15 minutes. A burst of rejects usually means a producer changed
//   its format.

param location string
param tags object
param namePrefix string
param applicationInsightsName string

@description('The function the failure alert watches (function_app.py).')
param functionName string = 'project_customers'

param alertEmailAddress string

@minValue(1)
param rejectThreshold int

resource applicationInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = if (!empty(alertEmailAddress)) {
  name: 'ag-${take(namePrefix, 50)}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'telesales'
    enabled: true
    emailReceivers: [
      {
        name: 'operations'
        emailAddress: alertEmailAddress
        useCommonAlertSchema: true
      }
    ]
  }
}

var actionGroups = empty(alertEmailAddress) ? [] : [
  actionGroup.id
]

resource functionFailures 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-sustained-failures'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Telesales contacts: ${functionName} keeps failing'
    description: 'The Kafka-triggered function failed in each of the last three 5-minute windows: its partitions are not advancing. Check the exceptions for the function in Application Insights.'
    severity: 1
    enabled: true
    scopes: [
      applicationInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT5M'
    criteria: {
      allOf: [
        {
          query: 'requests\n| where name =~ \'${functionName}\' or operation_Name =~ \'${functionName}\'\n| where success == false\n| project timestamp'
          timeAggregation: 'Count'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 3
            minFailingPeriodsToAlert: 3
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: actionGroups
    }
  }
}

resource rejects 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: '${namePrefix}-rejects'
  location: location
  tags: tags
  kind: 'LogAlert'
  properties: {
    displayName: 'Telesales contacts: more than ${rejectThreshold} rejected messages in 15 minutes'
    description: 'Rejected customer messages (batch_rejected in the batch summaries) exceed the threshold. See rejected_messages in Bank 2 for the reasons; no message content is logged.'
    severity: 2
    enabled: true
    scopes: [
      applicationInsights.id
    ]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: 'traces\n| where isnotempty(customDimensions.batch_rejected)\n| extend rejected = toint(customDimensions.batch_rejected)\n| project timestamp, rejected'
          timeAggregation: 'Total'
          metricMeasureColumn: 'rejected'
          operator: 'GreaterThan'
          threshold: rejectThreshold
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: actionGroups
    }
  }
}

output functionFailuresAlertName string = functionFailures.name
output rejectsAlertName string = rejects.name
