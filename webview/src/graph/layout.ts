/**
 * The layout step: a pure function from boxes (leaves with sizes, nested groups) and edges to
 * coordinates. No DOM: it runs in the page, in the layout Web Worker, and in Node's unit tests.
 *
 * Library: @dagrejs/dagre (3.x), chosen by measurement on this machine (Node, one thread):
 *   one flat random DAG of 1,000 nodes — dagre 3.7 s (network-simplex) / 0.6 s (longest-path), ELK 2.3 s;
 *   100 components of 10 nodes — dagre 0.5 s, ELK 2.0 s; 50 components of 40 — dagre 0.9 s, ELK 1.8 s.
 * Plans break into many small components once no-ops are hidden and modules collapsed, and there
 * dagre is 2–4× faster than ELK; it is also 36 KB minified against ELK's 1.6 MB, and synchronous,
 * so the same call serves the worker and the tests. ELK wins only on one huge flat component,
 * which this design avoids (and for which dagre's longest-path ranker is used, see RANKER_LIMIT).
 *
 * How: every group (module box) is laid out on its own, innermost first, so a box's size is
 * known before its parent is placed; inside a group each connected component is laid out
 * separately and the components are packed in rows; nodes without edges skip dagre altogether
 * and fill a grid. No recursion: module nesting can be 10,000 deep.
 */
import dagre from '@dagrejs/dagre';

export interface LayoutLeaf {
  id: string;
  width: number;
  height: number;
}

export interface LayoutGroup {
  id: string;
  /** Undefined for the root group (which has no frame). */
  parentId: string | undefined;
  leafIds: string[];
  groupIds: string[];
}

export interface LayoutRequest {
  leaves: LayoutLeaf[];
  /** Parents before children (the root first). */
  groups: LayoutGroup[];
  /** Between leaf ids. */
  edges: { from: string; to: string }[];
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LayoutResult {
  /** Absolute top-left positions and sizes of every leaf and every group (the root group included). */
  boxes: Record<string, Box>;
  width: number;
  height: number;
}

export const LAYOUT_SPACING = {
  /** Between nodes of one rank, and between ranks (dagre's nodesep / ranksep). */
  nodeSep: 12,
  rankSep: 56,
  /** Between packed components and grid cells. */
  componentGap: 24,
  /** Inside a module frame: around the content, and the header that holds its label. */
  groupPadding: 12,
  groupHeader: 26,
};

/** Components larger than this are ranked with longest-path: network-simplex grows too fast (3.7 s at 1,000 nodes). */
export const RANKER_LIMIT = 300;

/** Rows of packed components aim at this width/height ratio (a screen is wider than tall). */
const TARGET_ASPECT = 1.6;

interface Item {
  id: string;
  width: number;
  height: number;
}

interface Placed {
  x: number;
  y: number;
}

export function layoutGraph(request: LayoutRequest): LayoutResult {
  const sizes = new Map<string, { width: number; height: number }>();
  for (const leaf of request.leaves) sizes.set(leaf.id, { width: leaf.width, height: leaf.height });
  const depth = new Map<string, number>();
  for (const group of request.groups) depth.set(group.id, group.parentId === undefined ? 0 : (depth.get(group.parentId) ?? 0) + 1);
  const containerOf = new Map<string, string>();
  for (const group of request.groups) {
    for (const leafId of group.leafIds) containerOf.set(leafId, group.id);
    for (const childId of group.groupIds) containerOf.set(childId, group.id);
  }

  // Each edge belongs to the lowest group holding both ends: there it joins the two children on the way down.
  const edgesByGroup = new Map<string, { from: string; to: string }[]>();
  for (const edge of request.edges) {
    let a = edge.from;
    let b = edge.to;
    let ga = containerOf.get(a);
    let gb = containerOf.get(b);
    if (ga === undefined || gb === undefined) continue;
    while (ga !== gb && ga !== undefined && gb !== undefined) {
      if ((depth.get(ga) ?? 0) >= (depth.get(gb) ?? 0)) {
        a = ga;
        ga = containerOf.get(ga);
      } else {
        b = gb;
        gb = containerOf.get(gb);
      }
    }
    if (ga === undefined || ga !== gb || a === b) continue;
    let list = edgesByGroup.get(ga);
    if (!list) edgesByGroup.set(ga, (list = []));
    list.push({ from: a, to: b });
  }

  // Innermost first: children's sizes are known before their parent is laid out.
  const relative = new Map<string, Placed>();
  for (let i = request.groups.length - 1; i >= 0; i--) {
    const group = request.groups[i];
    const items: Item[] = [];
    for (const id of [...group.leafIds, ...group.groupIds]) {
      const size = sizes.get(id);
      if (size) items.push({ id, ...size });
    }
    const { positions, width, height } = layoutItems(items, edgesByGroup.get(group.id) ?? []);
    const framed = group.parentId !== undefined;
    const offsetX = framed ? LAYOUT_SPACING.groupPadding : 0;
    const offsetY = framed ? LAYOUT_SPACING.groupHeader + LAYOUT_SPACING.groupPadding : 0;
    for (const [id, position] of positions) relative.set(id, { x: position.x + offsetX, y: position.y + offsetY });
    sizes.set(group.id, {
      width: Math.max(width + 2 * offsetX, framed ? 160 : 0),
      height: height + offsetY + (framed ? LAYOUT_SPACING.groupPadding : 0),
    });
  }

  // Outermost first: absolute positions.
  const boxes: Record<string, Box> = {};
  for (const group of request.groups) {
    const size = sizes.get(group.id)!;
    const parentBox = group.parentId === undefined ? undefined : boxes[group.parentId];
    const own = relative.get(group.id) ?? { x: 0, y: 0 };
    const origin = parentBox ? { x: parentBox.x + own.x, y: parentBox.y + own.y } : { x: 0, y: 0 };
    boxes[group.id] = { ...origin, ...size };
    for (const leafId of group.leafIds) {
      const leafSize = sizes.get(leafId);
      const position = relative.get(leafId);
      if (leafSize && position) boxes[leafId] = { x: origin.x + position.x, y: origin.y + position.y, ...leafSize };
    }
  }
  const root = request.groups.find((group) => group.parentId === undefined);
  const rootSize = root ? sizes.get(root.id)! : { width: 0, height: 0 };
  return { boxes, width: rootSize.width, height: rootSize.height };
}

/** Lays out the items of one group: connected components separately, then packed in rows. */
export function layoutItems(items: Item[], edges: { from: string; to: string }[]): { positions: Map<string, Placed>; width: number; height: number } {
  const ids = new Map(items.map((item, i) => [item.id, i]));
  const parent = items.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const usable = edges.filter((edge) => ids.has(edge.from) && ids.has(edge.to) && edge.from !== edge.to);
  for (const edge of usable) {
    const a = find(ids.get(edge.from)!);
    const b = find(ids.get(edge.to)!);
    if (a !== b) parent[a] = b;
  }
  const members = new Map<number, Item[]>();
  for (let i = 0; i < items.length; i++) {
    const rootIndex = find(i);
    let list = members.get(rootIndex);
    if (!list) members.set(rootIndex, (list = []));
    list.push(items[i]);
  }
  const componentEdges = new Map<number, { from: string; to: string }[]>();
  for (const edge of usable) {
    const rootIndex = find(ids.get(edge.from)!);
    let list = componentEdges.get(rootIndex);
    if (!list) componentEdges.set(rootIndex, (list = []));
    list.push(edge);
  }

  const blocks: { positions: Map<string, Placed>; width: number; height: number }[] = [];
  const singles: Item[] = [];
  for (const [rootIndex, list] of members) {
    if (list.length === 1) singles.push(list[0]);
    else blocks.push(layoutComponent(list, componentEdges.get(rootIndex) ?? []));
  }
  // Largest components first, then the loose nodes as one grid: the picture reads top-down by importance.
  blocks.sort((a, b) => b.width * b.height - a.width * a.height);
  if (singles.length > 0) blocks.push(gridBlock(singles));
  return packBlocks(blocks);
}

function layoutComponent(items: Item[], edges: { from: string; to: string }[]): { positions: Map<string, Placed>; width: number; height: number } {
  try {
    const graph = new dagre.graphlib.Graph({ multigraph: false, compound: false });
    graph.setGraph({
      rankdir: 'LR',
      nodesep: LAYOUT_SPACING.nodeSep,
      ranksep: LAYOUT_SPACING.rankSep,
      marginx: 0,
      marginy: 0,
      ranker: items.length > RANKER_LIMIT ? 'longest-path' : 'network-simplex',
    });
    graph.setDefaultEdgeLabel(() => ({}));
    for (const item of items) graph.setNode(item.id, { width: item.width, height: item.height });
    for (const edge of edges) graph.setEdge(edge.from, edge.to);
    dagre.layout(graph);
    const positions = new Map<string, Placed>();
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const item of items) {
      const node = graph.node(item.id) as { x: number; y: number };
      const x = node.x - item.width / 2;
      const y = node.y - item.height / 2;
      positions.set(item.id, { x, y });
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x + item.width);
      maxY = Math.max(maxY, y + item.height);
    }
    for (const position of positions.values()) {
      position.x -= minX;
      position.y -= minY;
    }
    return { positions, width: maxX - minX, height: maxY - minY };
  } catch {
    // A layout failure on one component must not lose the picture: show it as a grid instead.
    return gridBlock(items);
  }
}

function gridBlock(items: Item[]): { positions: Map<string, Placed>; width: number; height: number } {
  const cellWidth = Math.max(...items.map((item) => item.width));
  const cellHeight = Math.max(...items.map((item) => item.height));
  const gap = LAYOUT_SPACING.nodeSep;
  const columns = Math.max(1, Math.round(Math.sqrt((items.length * TARGET_ASPECT * cellHeight) / cellWidth)));
  const positions = new Map<string, Placed>();
  items.forEach((item, i) => {
    positions.set(item.id, { x: (i % columns) * (cellWidth + gap), y: Math.floor(i / columns) * (cellHeight + gap) });
  });
  const rows = Math.ceil(items.length / columns);
  return { positions, width: Math.min(items.length, columns) * (cellWidth + gap) - gap, height: rows * (cellHeight + gap) - gap };
}

/** Shelf packing: blocks left to right in rows no wider than a target that keeps the whole near TARGET_ASPECT. */
function packBlocks(blocks: { positions: Map<string, Placed>; width: number; height: number }[]): { positions: Map<string, Placed>; width: number; height: number } {
  const gap = LAYOUT_SPACING.componentGap;
  const area = blocks.reduce((sum, block) => sum + (block.width + gap) * (block.height + gap), 0);
  const rowLimit = Math.max(Math.sqrt(area * TARGET_ASPECT), ...blocks.map((block) => block.width));
  const positions = new Map<string, Placed>();
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  let width = 0;
  for (const block of blocks) {
    if (x > 0 && x + block.width > rowLimit) {
      y += rowHeight + gap;
      x = 0;
      rowHeight = 0;
    }
    for (const [id, position] of block.positions) positions.set(id, { x: x + position.x, y: y + position.y });
    width = Math.max(width, x + block.width);
    rowHeight = Math.max(rowHeight, block.height);
    x += block.width + gap;
  }
  return { positions, width, height: blocks.length === 0 ? 0 : y + rowHeight };
}
