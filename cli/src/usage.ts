/** Errors that are the caller's to fix: exit code 2 and a message on stderr (docs/cli.md, "Exit codes"). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  /** Lines for the user that are not the command's output (e.g. a target that could not be compared). */
  stderr?: string;
}

export const USAGE = `Usage: immutable-infra <command> [options]

Commands:
  check [PATH…] [--baseline auto|state|git] [--git-ref REF] [--against PATH] [--var-file FILE]… [--ask-providers] [--crds PATH]… [--kubernetes-baseline git|cluster] [--kubectl PATH] [--format text|json|sarif|markdown]
      Report edits that force replacement, compared with Terraform state or git; Kubernetes
      manifests (.yaml, .yml) are compared with git: immutable fields, rollouts, image tags.
      Values are followed through variables, tfvars, locals and child modules; a replacement
      lists the instances it replaces in turn (JSON "cascade", a tree in text).
      --format markdown: a pull-request comment (summary line, findings table, errors first),
      at most 65,536 characters.
      --var-file FILE: a variable definitions file the plan uses, after terraform.tfvars and
      *.auto.tfvars (repeatable, in order).
      --ask-providers: where the module is initialised, its own provider binaries decide
      (PlanResourceChange over the plugin protocol, offline; only binaries whose h1: hash
      .terraform.lock.hcl records); what could not be asked keeps the knowledge base's finding.
      --against PATH: the deployed version is the file or folder PATH instead of git (Kubernetes
      objects matched by identity, Terraform modules by folder; state still wins in auto).
      --crds PATH: a file or folder of CustomResourceDefinitions (repeatable); with the CRDs
      among the checked manifests, their custom resources' immutable fields (x-kubernetes-
      validations such as self == oldSelf) are checked.
      --kubernetes-baseline cluster: manifests are compared with the live objects (kubectl get)
      and dry-run on the server (kubectl apply --dry-run=server, which writes nothing), with the
      kubectl on PATH or --kubectl PATH and your kubeconfig.
      A module or file without its baseline gets a baseline-unavailable finding and a line on
      stderr; the rest is still checked.
      Exit 0: no error-level finding; 1: at least one; 2: usage error, unreadable input, a target
      whose analysis failed (the others are still checked), or no target could be compared with
      the baseline asked for.
  plan-summary PLAN [--format text|json|markdown]
      The plan's summary line as Terraform/OpenTofu prints it, or its counts as JSON, or
      (markdown) a pull-request comment: replacements with what forces them and what they
      replace in turn, destroys, the rest collapsed; at most 65,536 characters.
      PLAN is JSON from "terraform show -json PLANFILE". Exit 2: unreadable or unsupported plan.
  graph PLAN [-o FILE] [--format html|json]
      The plan as a dependency graph: one offline HTML page (default), or the graph model as JSON
      ({"nodes":[…],"edges":[{"from","to"}],…}). Writes to FILE, else to stdout.
  rollout MANIFEST [--name NAME] [--ready-after SECONDS] [--nodes N] [-o FILE] [--format text|json|html]
      Simulate the rolling update of each Deployment, StatefulSet and DaemonSet in MANIFEST (or
      the one named): scale steps, duration, peak pods, lowest availability. --ready-after: the
      assumed image pull and container start of a pod (default 5 s; readiness probe delays come
      on top); --nodes: the nodes a DaemonSet runs on (default 3). --format html: one workload's
      timeline as one offline HTML page (the default with -o). Writes to FILE, else to stdout.
  rollout --reconcile STATE.json
      The next state after one Deployment controller sync, for a state such as
      {"replicas":10,"strategy":{…},"minReadySeconds":0,"newReplicaSet":{"replicas":3,
      "availableReplicas":0}|null,"oldReplicaSets":[{"replicas":10,"availableReplicas":10}]},
      with "action": "scale-up", "scale-down" or "none".

Options:
  -h, --help     Show this help.
  --version      Print the version.
`;
