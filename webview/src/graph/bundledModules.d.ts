// Modules that only exist at bundle time (scripts/build.mjs): esbuild provides them as strings.

/** The layout worker's bundled source (an esbuild plugin builds webview/src/graph/layoutWorker.ts). */
declare module 'virtual:layout-worker' {
  const source: string;
  export default source;
}

/** Style sheets, loaded as text and adopted as constructable style sheets (no <style>, no CSP nonce needed). */
declare module '*.css' {
  const text: string;
  export default text;
}
