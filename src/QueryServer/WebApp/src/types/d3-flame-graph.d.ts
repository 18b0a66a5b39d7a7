// d3-flame-graph ships no types: the part of its API the app uses.
declare module "d3-flame-graph" {
  export interface FlameDatum<T = any> {
    data: T;
    value: number;
    depth: number;
    parent: FlameDatum<T> | null;
    highlight?: boolean;
    x0: number;
    x1: number;
  }
  export interface FlameGraph {
    (selection: any): void;
    width(w: number): FlameGraph;
    cellHeight(h: number): FlameGraph;
    minFrameSize(px: number): FlameGraph;
    transitionDuration(ms: number): FlameGraph;
    inverted(b: boolean): FlameGraph;
    sort(b: boolean | ((a: any, b: any) => number)): FlameGraph;
    selfValue(b: boolean): FlameGraph;
    title(t: string): FlameGraph;
    computeDelta(b: boolean): FlameGraph;
    tooltip(t: boolean | any): FlameGraph;
    setLabelHandler(f: (d: FlameDatum) => string): FlameGraph;
    setColorMapper(f: (d: FlameDatum, original: string) => string): FlameGraph;
    setSearchMatch(f: (d: FlameDatum, term: string, ignoreCase?: boolean) => boolean): FlameGraph;
    setDetailsElement(e: HTMLElement | null): FlameGraph;
    onClick(f: (d: FlameDatum) => void): FlameGraph;
    search(term: string): void;
    clear(): void;
    resetZoom(): void;
    zoomTo(d: FlameDatum): void;
    update(data?: any): void;
    destroy(): void;
  }
  export default function flamegraph(): FlameGraph;
  export const colorMapper: { differentialColorMapper: (d: FlameDatum, original: string) => string };
}
declare module "d3-flame-graph.css";
