import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

// The app is embedded in the query server's assembly and served at `/` on the same origin as `/api`:
// relative asset paths, no CDN, everything bundled from npm packages at build time.
export default defineConfig({
  base: "./",
  resolve: {
    // d3-flame-graph's package exports do not list its stylesheet.
    alias: { "d3-flame-graph.css": fileURLToPath(new URL("node_modules/d3-flame-graph/dist/d3-flamegraph.css", import.meta.url)) },
  },
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
  },
});
