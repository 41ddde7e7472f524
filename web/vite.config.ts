import { defineConfig } from "vite";

// The static web app: the same core as the CLI, bundled for the browser, heavy work in a Web Worker.
export default defineConfig({
  root: "web",
  base: "./",
  build: { outDir: "../dist-web", emptyOutDir: true, target: "es2022" },
  worker: { format: "es" },
  preview: { host: "127.0.0.1", port: 4173, strictPort: true },
});
