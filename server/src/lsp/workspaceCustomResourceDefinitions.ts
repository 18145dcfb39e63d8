/**
 * The CustomResourceDefinitions of the workspace: every `.yaml`/`.yml` file under the workspace
 * folders that declares `kind: CustomResourceDefinition`, read from disk (bounded, see
 * customResourceDefinitionFiles.ts) when first needed and again after a YAML file changed on
 * disk. The Kubernetes analysis checks custom resources of these CRDs against their immutability
 * rules. Reading files runs no process, so this works in untrusted workspaces too.
 */
import * as path from 'node:path';
import { DefinitionFiles, type FolderScan } from '../../../core/src/kubernetes/customResourceDefinitionFiles';
import { CustomResourceRegistry } from '../../../core/src/kubernetes/customResourceRegistry';
import { KUBERNETES_FILE } from '../../../core/src/kubernetes/manifestFiles';

export class WorkspaceCustomResourceDefinitions {
  private folders: string[] = [];
  private readonly files = new DefinitionFiles((file) => this.display(file));
  private current: { key: string; registry: CustomResourceRegistry; scan: FolderScan } | undefined;

  /** `report`: hears a scan's problems (CRDs that could not be read), once per scan. */
  constructor(private readonly report: (scan: FolderScan) => void = () => undefined) {}

  /** The CRDs under these workspace folders, scanned once until invalidated. */
  registry(folders: string[]): CustomResourceRegistry {
    const key = JSON.stringify(folders);
    if (this.current?.key !== key) {
      this.folders = folders;
      const scan = this.files.scan(folders);
      this.current = { key, registry: new CustomResourceRegistry(scan.definitions), scan };
      this.report(scan);
    }
    return this.current.registry;
  }

  /**
   * Files changed on disk: the next question rescans (unchanged files come from the cache).
   * True when a changed file may hold CRDs (a YAML file), so that manifests are analysed again.
   */
  filesChanged(files: string[]): boolean {
    if (!files.some((f) => KUBERNETES_FILE.test(f))) return false;
    this.current = undefined;
    return true;
  }

  /** Named by its path in the workspace folder that holds it. */
  private display(file: string): string {
    const folder = this.folders.find((f) => file.startsWith(f.endsWith(path.sep) ? f : f + path.sep));
    return folder === undefined ? file : `${path.relative(folder, file)} in the workspace`;
  }
}
