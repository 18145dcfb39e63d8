/**
 * The module's counterpart in a deployed version the user pointed at as files (`check --against`,
 * the `againstPath` setting) as its baseline: the folder at the same path relative to the checked
 * root, evaluated with that folder's own variable definitions files (they are what was deployed).
 * Only files are read, so it works in an untrusted workspace too.
 */
import type { Stats } from 'node:fs';
import { statSync } from 'node:fs';
import { BaselineError } from '../../io/baselineError';
import { counterpartDisplay, counterpartPath, type DeployedVersion } from '../../io/deployedVersion';
import { buildModuleConfiguration } from '../configuration';
import { sameItems, type ReadModuleFile } from '../moduleAnalysis';
import { moduleLocator, readChildModules } from '../valueFlow/childModules';
import type { DiskModuleFiles } from '../moduleFiles';
import type { DeployedConfigurationSource } from './baselineSources';
import type { ConfigurationBaseline } from './terraformBaseline';

/**
 * Deployed folders, with the configuration last built for each: kept while the files it was built
 * from are the same objects (the disk reader keeps an unchanged file's objects), so that an
 * unchanged folder yields the same configuration and the caches keyed on it hold.
 */
export class DeployedFolders {
  /** By counterpart folder: the files read (configuration, then tfvars) and what was built of them. */
  private readonly built = new Map<string, { files: unknown[]; baseline: ConfigurationBaseline }>();

  constructor(private readonly disk: DiskModuleFiles) {}

  /** The deployed version `deployed` as a baseline source. Throws BaselineError, naming what is missing, when it holds no counterpart. */
  of(deployed: DeployedVersion): DeployedConfigurationSource {
    return {
      configuration: async (dir) => ({ kind: 'files', path: counterpartDisplay(deployed, dir), ...(await this.counterpartConfiguration(dir, deployed)) }),
    };
  }

  private async counterpartConfiguration(dir: string, deployed: DeployedVersion): Promise<ConfigurationBaseline> {
    const counterpart = counterpartPath(deployed, dir);
    const unavailable = (why: string) => new BaselineError(`${deployed.origin} holds no deployed version of ${dir}: ${why}.`);
    if (counterpart === undefined) throw unavailable(`the module lies outside ${deployed.root}, which the deployed version mirrors`);
    let stat: Stats | undefined;
    try {
      stat = statSync(counterpart);
    } catch {
      stat = undefined;
    }
    if (!stat?.isDirectory()) {
      const shown = counterpartDisplay(deployed, dir);
      throw unavailable(stat ? `${shown} is a file, and Terraform modules are matched by folder` : `no ${shown} folder`);
    }
    const inputs = await this.disk.configurationFiles(counterpart);
    if (inputs.length === 0) throw unavailable(`no .tf files in ${counterpartDisplay(deployed, dir)}`);
    const files: ReadModuleFile[] = [];
    for (const input of inputs) {
      if (input.kind === 'unreadable') throw unavailable(input.problem);
      files.push(input);
    }
    // The tfvars count too: they change what the deployed expressions evaluated to.
    const variableFiles = this.disk.variableFiles(counterpart);
    const read = [...files, ...variableFiles.map((f) => f.file)];
    const previous = this.built.get(counterpart);
    if (previous && sameItems(previous.files, read)) return previous.baseline;
    const config = buildModuleConfiguration(files);
    const baseline: ConfigurationBaseline = {
      config,
      dir: counterpart,
      files,
      variableFiles,
      children: await readChildModules(counterpart, config, this.disk, moduleLocator(counterpart, this.disk.moduleManifest(counterpart))),
      readFile: (file) => this.disk.fileText(counterpart, file),
    };
    this.built.set(counterpart, { files: read, baseline });
    return baseline;
  }
}
