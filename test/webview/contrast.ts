// Code passed to page.evaluate runs in the browser: it needs the DOM types.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * A WCAG 2 contrast check of drawn text against what is painted under it, from the page's own
 * computed styles: the text's colour (SVG `fill`, or `color`) with its opacities, over the stack
 * of shapes and boxes under the middle of the text (`document.elementsFromPoint`), each with its
 * fill or background colour and opacities, composited bottom up onto the page. A text drawn on a
 * halo (its stroke painted under its fill, `paint-order: stroke`, at least 2 px wide) is measured
 * against the halo, which is what its glyphs' edges meet. The arithmetic is WCAG's: relative
 * luminance of sRGB, (lighter + 0.05) / (darker + 0.05).
 */
import type { Page } from 'playwright-core';

/** WCAG 2 AA for text under 18.66 px bold / 24 px: all the pages' labels are 11-13 px. */
export const AA_NORMAL_TEXT = 4.5;

export interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

/** Parses what getComputedStyle gives for a colour: `rgb(r, g, b)`, `rgba(r, g, b, a)`, `color(srgb …)`, or `#rrggbb` (tests). */
export function parseColour(text: string): Rgba {
  const trimmed = text.trim();
  const hex = /^#([0-9a-f]{6})$/i.exec(trimmed);
  if (hex) {
    const n = parseInt(hex[1], 16);
    return { r: (n >> 16) & 255, g: (n >> 8) & 255, b: n & 255, a: 1 };
  }
  // What color-mix() computes to: `color(srgb r g b)` or `color(srgb r g b / a)`, channels 0-1.
  const srgb = /^color\(srgb\s+([\d.e-]+)\s+([\d.e-]+)\s+([\d.e-]+)(?:\s*\/\s*([\d.]+))?\s*\)$/i.exec(trimmed);
  if (srgb) return { r: Number(srgb[1]) * 255, g: Number(srgb[2]) * 255, b: Number(srgb[3]) * 255, a: srgb[4] === undefined ? 1 : Number(srgb[4]) };
  const fn = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/i.exec(trimmed);
  if (!fn) throw new Error(`Not a colour the contrast check can read: ${JSON.stringify(text)}`);
  const alpha = fn[4] === undefined ? 1 : fn[4].endsWith('%') ? Number(fn[4].slice(0, -1)) / 100 : Number(fn[4]);
  return { r: Number(fn[1]), g: Number(fn[2]), b: Number(fn[3]), a: alpha };
}

/** `top` painted over an opaque `bottom`. */
export function over(top: Rgba, bottom: Rgba): Rgba {
  const a = top.a;
  return { r: top.r * a + bottom.r * (1 - a), g: top.g * a + bottom.g * (1 - a), b: top.b * a + bottom.b * (1 - a), a: 1 };
}

export function relativeLuminance(colour: Rgba): number {
  const channel = (value: number) => {
    const c = value / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b);
}

export function contrastRatio(a: Rgba, b: Rgba): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** One drawn text and what lies under it, as the page computes them. */
export interface TextSample {
  text: string;
  selector: string;
  /** The text's colour and its alpha multiplier (fill-opacity × the opacity of it and its ancestors). */
  colour: string;
  alpha: number;
  /** What is painted under the text's middle, bottom first: each colour with its alpha multiplier. */
  layers: Array<{ what: string; colour: string; alpha: number }>;
}

export interface ContrastResult extends TextSample {
  ratio: number;
  foreground: string;
  background: string;
}

export const hexOf = (c: Rgba): string => `#${[c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

/** The ratio of one sample: the layers composited onto white (the canvas, were nothing opaque), then the text over them. */
export function sampleContrast(sample: TextSample): ContrastResult {
  let background: Rgba = { r: 255, g: 255, b: 255, a: 1 };
  for (const layer of sample.layers) {
    const colour = parseColour(layer.colour);
    background = over({ ...colour, a: colour.a * layer.alpha }, background);
  }
  const text = parseColour(sample.colour);
  const foreground = over({ ...text, a: text.a * sample.alpha }, background);
  return { ...sample, ratio: contrastRatio(foreground, background), foreground: hexOf(foreground), background: hexOf(background) };
}

/** Reads every non-empty text matching `selector` and what is painted under it. Runs in the page. */
function collect(selector: string): TextSample[] {
  const opacityUpTo = (element: Element): number => {
    let alpha = 1;
    for (let e: Element | null = element; e; e = e.parentElement) alpha *= Number(getComputedStyle(e).opacity);
    return alpha;
  };
  const isText = (e: Element) => e instanceof SVGTextContentElement;
  const paint = (e: Element): { colour: string; alpha: number } | undefined => {
    const style = getComputedStyle(e);
    // A line has no inside to fill (its computed fill is black all the same): a hairline crossing the text is not what it is read on.
    if (e instanceof SVGLineElement) return undefined;
    if (e instanceof SVGGeometryElement) {
      if (style.fill === 'none' || style.visibility !== 'visible') return undefined;
      return { colour: style.fill, alpha: Number(style.fillOpacity) * opacityUpTo(e) };
    }
    if (e instanceof SVGElement) return undefined;
    return { colour: style.backgroundColor, alpha: opacityUpTo(e) };
  };
  const inSight = (element: Element, box: DOMRect): boolean => {
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    if (x < 0 || y < 0 || x >= window.innerWidth || y >= window.innerHeight) return false;
    for (let e = element.parentElement; e && e !== document.documentElement; e = e.parentElement) {
      if (e instanceof SVGElement && !(e instanceof SVGSVGElement)) continue;
      const overflow = getComputedStyle(e);
      if (overflow.overflowX === 'visible' && overflow.overflowY === 'visible') continue;
      const r = e.getBoundingClientRect();
      if (x < r.left || x >= r.left + e.clientLeft + e.clientWidth || y < r.top || y >= r.top + e.clientTop + e.clientHeight) return false;
    }
    return true;
  };
  const samples: TextSample[] = [];
  for (const element of document.querySelectorAll(selector)) {
    const text = element.textContent ?? '';
    if (!text.trim()) continue;
    let box = element.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    // What is under a text scrolled out of sight (of the page, or of a pane that scrolls) is whatever
    // covers that point, not its own background: bring it into view first.
    if (!inSight(element, box)) {
      element.scrollIntoView({ block: 'center', inline: 'center' });
      box = element.getBoundingClientRect();
    }
    const style = getComputedStyle(element);
    const svg = element instanceof SVGElement;
    // Under the middle of the text: topmost first from the browser, bottom first here.
    const stack = document
      .elementsFromPoint(box.x + box.width / 2, box.y + box.height / 2)
      .filter((e) => !isText(e) && e !== element)
      .reverse();
    const layers: TextSample['layers'] = [];
    for (const e of stack) {
      const painted = paint(e);
      if (painted) layers.push({ what: `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`, ...painted });
    }
    if (svg && style.paintOrder.startsWith('stroke') && style.stroke !== 'none' && parseFloat(style.strokeWidth) >= 2) {
      layers.push({ what: 'halo', colour: style.stroke, alpha: Number(style.strokeOpacity) * opacityUpTo(element) });
    }
    samples.push({
      text: text.length > 60 ? `${text.slice(0, 60)}…` : text,
      selector,
      colour: svg ? style.fill : style.color,
      alpha: (svg ? Number(style.fillOpacity) : 1) * opacityUpTo(element),
      layers,
    });
  }
  return samples;
}

/** Every text matching each selector, with its contrast against what is under it. */
export async function measureContrast(page: Page, selectors: readonly string[]): Promise<ContrastResult[]> {
  const results: ContrastResult[] = [];
  for (const selector of selectors) for (const sample of await page.evaluate(collect, selector)) results.push(sampleContrast(sample));
  return results;
}

/** The texts under `minimum`, one line each (empty: all pass). */
export function contrastFailures(results: readonly ContrastResult[], minimum = AA_NORMAL_TEXT): string[] {
  return results
    .filter((result) => result.ratio < minimum)
    .map(
      (result) =>
        `${result.selector} "${result.text}": ${result.ratio.toFixed(2)}:1 (${result.foreground} on ${result.background}; under it ${result.layers.map((l) => l.what).join(' < ')})`,
    );
}

/**
 * The colour `value` (a `var(--…)` of the page's, say) resolves to where the page draws: on an
 * element in its <body>, as its text colour. A variable that holds `light-dark()` or a relative
 * colour is only a colour once an element uses it.
 */
export function resolvedColour(page: Page, value: string): Promise<string> {
  return page.evaluate((colour) => {
    const probe = document.createElement('div');
    probe.style.color = colour;
    document.body.append(probe);
    const resolved = getComputedStyle(probe).color;
    probe.remove();
    return resolved;
  }, value);
}
