// The page side of a webview: the VS Code API typed with the view's message unions.

interface VsCodeApi {
  postMessage(message: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface Channel<ToHost> {
  post(message: ToHost): void;
}

/** Connects the page once (acquireVsCodeApi may be called only once per page) and listens for the host's messages. */
export function connect<ToHost, ToPage extends { type: string }>(onMessage?: (m: ToPage) => void): Channel<ToHost> {
  const api = acquireVsCodeApi();
  if (onMessage) {
    window.addEventListener('message', (ev: MessageEvent<unknown>) => {
      const m = ev.data;
      if (m && typeof m === 'object' && typeof (m as { type?: unknown }).type === 'string') onMessage(m as ToPage);
    });
  }
  return { post: (message) => api.postMessage(message) };
}

/** Every element matching the selector, typed. */
export function all<E extends Element>(selector: string): E[] {
  return [...document.querySelectorAll<E>(selector)];
}

/** A number from a data attribute (the host looks the number up; the page never sends more). */
export function dataId(el: Element, attribute: string): number {
  return Number(el.getAttribute(attribute));
}
