/** Which files are read as Kubernetes manifests: `.yaml` and `.yml`, in any case (`deploy.YAML`). */
export const KUBERNETES_FILE = /\.ya?ml$/i;
