/**
 * Recognises templated manifests (Helm charts, other Go/Jinja templates): their objects exist
 * only after rendering, so comparing the template text with its baseline would misreport. Such a
 * file gets one information-level note and nothing else.
 *
 * `{{` alone is not enough: ConfigMaps carry Go templates as data (Alertmanager, Prometheus),
 * and GitHub Actions files use `${{ }}`. A file counts as templated when a template marker sits
 * outside a `|`/`>` block scalar (which is data): in a value, a key, a flow collection, a comment
 * (Helm renders those too), or where it breaks the YAML syntax.
 */
import { visit, Scalar } from 'yaml';
import type { SourceRange } from '../../../common/src/findings';
import { offsetsToRange, type ParsedManifest } from './manifestParser';

export interface TemplateMarker {
  range: SourceRange;
  /** Helm-specific names were seen (`.Values`, `.Release`, `include` …). */
  helm: boolean;
}

/** `{{` not preceded by `$` (GitHub Actions expressions are not templates of the manifest). */
const TEMPLATE_OPEN = /(?<!\$)\{\{/;
const HELM_NAMES = /\{\{-?\s*(?:[^}]*\.(?:Values|Release|Chart|Capabilities|Files|Template)\b|\s*(?:include|template|toYaml|tpl|required|default)\b)/;
/** The file names at least one object's header keys (templated values allowed). */
const KUBERNETES_HEADER = /^[ \t]*(?:-[ \t]+)?apiVersion[ \t]*:/m;
const KIND_HEADER = /^[ \t]*(?:-[ \t]+)?kind[ \t]*:/m;

export function findTemplateMarker(manifest: ParsedManifest): TemplateMarker | undefined {
  const { text } = manifest;
  const open = TEMPLATE_OPEN.exec(text);
  if (!open) return undefined;
  if (!KUBERNETES_HEADER.test(text) || !KIND_HEADER.test(text)) return undefined;
  const helm = HELM_NAMES.test(text);
  const at = (offset: number) => ({ range: offsetsToRange(manifest.lineCounter, offset, offset + 2), helm });
  if (manifest.syntaxErrors.length > 0) return at(open.index);
  // Block scalars (`|`, `>`) hold data; a marker anywhere else is in the structure.
  const blocks: Array<[number, number]> = [];
  for (const { document, offset } of manifest.documents) {
    visit(document, {
      Scalar(_key, node) {
        if ((node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) && node.range) blocks.push([offset + node.range[0], offset + node.range[1]]);
      },
    });
  }
  const markers = new RegExp(TEMPLATE_OPEN.source, 'g');
  for (let match = markers.exec(text); match; match = markers.exec(text)) {
    const offset = match.index;
    if (!blocks.some(([start, end]) => offset >= start && offset < end)) return at(offset);
  }
  return undefined;
}
