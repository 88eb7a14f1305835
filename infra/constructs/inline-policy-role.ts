import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/**
 * A role whose every grant, its own statements and those CDK adds (a queue's consumer, a log
 * group's writer, tracing), lands in the role's inline policy rather than in a separate
 * `AWS::IAM::Policy`: one resource fewer per role, in stacks that hold many jobs. The role has its
 * permissions from the moment it exists, so nothing that uses it waits on a policy.
 */
export class InlinePolicyRole extends iam.Role {
  private readonly inlineGrants: iam.PolicyDocument;

  constructor(scope: Construct, id: string, props: iam.RoleProps) {
    const grants = new iam.PolicyDocument();
    super(scope, id, { ...props, inlinePolicies: { ...props.inlinePolicies, Grants: grants } });
    this.inlineGrants = grants;
  }

  override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.inlineGrants.addStatements(statement);
    return { statementAdded: true, policyDependable: this };
  }
}
