/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";
import { VitePWA } from "vite-plugin-pwa";

// The daemon under `npm run dev` is expected on 8787; the dev server proxies to it so the
// socket and REST calls stay same-origin, exactly as when the daemon serves web/dist.
const daemon = process.env.TIDEWIRE_DAEMON ?? "http://127.0.0.1:8787";

export default defineConfig({
  plugins: [
    react(),
    VitePWA({
      registerType: "autoUpdate",
      injectRegister: false,
      manifest: {
        name: "Tidewire",
        short_name: "Tidewire",
        description: "Live dashboard for coding agents",
        theme_color: "#0f1419",
        background_color: "#0f1419",
        display: "standalone",
        icons: [{ src: "/favicon.svg", sizes: "any", type: "image/svg+xml" }],
      },
      workbox: {
        // Only the app shell is cached; data comes from the persisted query cache, so a
        // reload while the daemon is down shows the last known state, never a stale API body.
        globPatterns: ["**/*.{js,css,html,svg,webmanifest}"],
        navigateFallback: "/index.html",
        // `/mcp` is both the MCP endpoint and a client route; only browsers navigate, so a
        // navigation to it gets the app shell while MCP clients still reach the daemon.
        navigateFallbackDenylist: [/^\/api\//, /^\/ws/, /^\/openapi\.json/, /^\/docs/],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  server: {
    proxy: {
      "/api": daemon,
      "/mcp": daemon,
      "/ws": { target: daemon.replace(/^http/, "ws"), ws: true },
    },
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test-setup.ts"],
    include: ["src/**/*.test.{ts,tsx}"],
    css: false,
    testTimeout: 20000,
  },
});
