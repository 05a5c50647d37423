import { escapeHtml } from './html';

export function renderLoginPage(options: { next: string; error?: string }): string {
  const error = options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Herald · operator login</title>
<style>
  body { font-family: system-ui, sans-serif; background: #151a21; color: #e6e9ee; display: flex; min-height: 100vh; margin: 0; align-items: center; justify-content: center; }
  form { background: #1f2630; padding: 2rem; border-radius: 8px; width: min(26rem, 90vw); box-shadow: 0 4px 24px #0006; }
  h1 { font-size: 1.25rem; margin: 0 0 1rem; }
  label { display: block; margin-bottom: .4rem; }
  input[type=password] { width: 100%; box-sizing: border-box; padding: .6rem; border-radius: 4px; border: 1px solid #3a4452; background: #11161c; color: inherit; font-family: ui-monospace, monospace; }
  button { margin-top: 1rem; padding: .6rem 1.2rem; border: 0; border-radius: 4px; background: #4f8cff; color: #fff; font-weight: 600; cursor: pointer; }
  .error { color: #ff8a80; }
  .hint { color: #8b96a5; font-size: .85rem; }
</style>
</head>
<body>
<form method="post" action="/admin/login">
  <h1>Herald queues</h1>
  ${error}
  <label for="token">Admin token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
  <input type="hidden" name="next" value="${escapeHtml(options.next)}">
  <button type="submit">Log in</button>
  <p class="hint">Logging in opens a session; the token itself is not kept in the browser.</p>
</form>
</body>
</html>
`;
}
