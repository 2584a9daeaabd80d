import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { registerSW } from "virtual:pwa-register";
import { App } from "./App";
import "./styles/app.css";

// The service worker caches the app shell, so a reload while the daemon is down still
// boots the app, which then shows the persisted cache marked stale.
if ("serviceWorker" in navigator && import.meta.env.PROD) {
  registerSW({ immediate: true });
}

const root = document.getElementById("root");
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
