/**
 * The product's version: package.json's `version`, and nowhere else. The CLI's `--version`,
 * SARIF's `tool.driver.version` and the language server's `serverInfo` report this. esbuild
 * inlines only this one field of package.json into a bundle; what tsc compiles requires the copy
 * of package.json that tsc writes into out/.
 */
import { version } from '../../package.json';

export const PRODUCT_VERSION: string = version;
