// Evaluates IAM requests against identity and resource policies with an IAM simulator
// (@cloud-copilot/iam-simulate): JSON cases on stdin, one overall result per case on stdout
// ("Allowed", "ExplicitlyDenied", "ImplicitlyDenied"; "error: ..." for invalid input).
import { runSimulation } from '@cloud-copilot/iam-simulate'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const cases = JSON.parse(Buffer.concat(chunks).toString('utf8'))

const results = []
for (const c of cases) {
  const simulation = {
    request: {
      principal: c.principal,
      action: c.action,
      resource: { resource: c.resource, accountId: c.account },
      contextVariables: c.context || {}
    },
    identityPolicies: c.identityPolicies.map((policy, i) => ({ name: `policy${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: c.resourcePolicy
  }
  const result = await runSimulation(simulation, {})
  results.push(
    result.resultType === 'error'
      ? `error: ${JSON.stringify(result.errors)}`
      : result.overallResult
  )
}
console.log(JSON.stringify(results))
