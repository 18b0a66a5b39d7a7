import { useEffect, useRef } from "preact/hooks";
import { select } from "d3-selection";
import flamegraph, { colorMapper, type FlameDatum, type FlameGraph } from "d3-flame-graph";
import "d3-flame-graph.css";
import type { FlameNode } from "../api";

export interface FlameChartProps {
  root: FlameNode;
  search: string;
  /** A node was clicked: its path from the root, names only ("all" first). */
  onFocus: (path: string[]) => void;
  /** Colors by a per-node delta (`delta` field) instead of by stack kind: the diff view's flame graph. */
  differential?: boolean;
  /** The path (names from "all") of the node to zoom to: focusing is instant, no new request. */
  focus?: string[];
}

/** The path of names from the root down to a node. */
export function pathOf(d: FlameDatum<FlameNode>): string[] {
  const names: string[] = [];
  for (let n: FlameDatum<FlameNode> | null = d; n; n = n.parent) names.unshift(n.data.name);
  return names;
}

// Async logical stacks blue, threads' stacks warm, nodes both kinds pass through violet: the two kinds of
// stack are told apart at a glance, as the seed's flame graph tells goroutine kinds apart.
function kindColor(d: FlameDatum<FlameNode>): string {
  if (d.highlight) return "#e600e6";
  const share = d.data.value ? d.data.async / d.data.value : 0;
  const jitter = (hash(d.data.name) % 20) - 10;
  if (share >= 0.999) return `hsl(${210 + jitter / 2}, 60%, ${72 + jitter / 2}%)`;
  if (share <= 0.001) return `hsl(${28 + jitter}, 85%, ${66 + jitter / 2}%)`;
  return `hsl(275, 45%, ${74 + jitter / 2}%)`;
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) | 0;
  return Math.abs(h);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** d3-flame-graph over the server's merged tree (`GET .../flamegraph`). */
/** The hierarchy node at a path of names from the root, if there is exactly one. */
function nodeAt(root: FlameDatum<FlameNode> & { children?: FlameDatum<FlameNode>[] }, path: string[]): FlameDatum<FlameNode> | null {
  let node: any = root;
  for (const name of path.slice(1)) {
    node = (node.children ?? []).find((c: FlameDatum<FlameNode>) => c.data.name === name);
    if (!node) return null;
  }
  return node;
}

export function FlameChart({ root, search, onFocus, differential, focus }: FlameChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<FlameGraph | null>(null);
  const clicked = useRef(onFocus);
  clicked.current = onFocus;

  useEffect(() => {
    const element = host.current!;
    element.innerHTML = "";
    const width = Math.max(600, (element.clientWidth || 1200) - 12);
    const c = flamegraph()
      .width(width)
      .cellHeight(20)
      .minFrameSize(2)
      .transitionDuration(0)
      .inverted(false)
      .sort(true)
      .tooltip(false)
      .setLabelHandler((d) => {
        const n = d.data as FlameNode & { delta?: number };
        const kinds = `${n.async} async, ${n.value - n.async} thread`;
        const delta = differential && n.delta !== undefined ? `, ${n.delta >= 0 ? "+" : ""}${n.delta} since the older snapshot` : "";
        return `${n.name}\n${n.value} stack${n.value === 1 ? "" : "s"} (${kinds}${delta})`;
      })
      .setSearchMatch((d, term) => !!term && new RegExp(escapeRegex(term), "i").test(d.data.name))
      .onClick((d) => clicked.current(pathOf(d as FlameDatum<FlameNode>)));
    if (differential) c.setColorMapper(colorMapper.differentialColorMapper);
    else c.setColorMapper((d) => kindColor(d as FlameDatum<FlameNode>));
    select(element).datum(root).call(c);
    chart.current = c;
    return () => {
      c.destroy();
      chart.current = null;
    };
  }, [root, differential]);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    if (search) c.search(search);
    else c.clear();
  }, [search, root]);

  const focusKey = (focus ?? []).join("\u0000");
  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    const hierarchy = select(host.current!).datum() as any;
    const node = focus && focus.length > 1 ? nodeAt(hierarchy, focus) : null;
    if (node) c.zoomTo(node);
    else c.resetZoom();
  }, [focusKey, root]);

  return <div class="flame" data-testid="flamegraph" ref={host} />;
}
