import fs from 'node:fs';
import path from 'node:path';
import { renderBoardTemplate } from '../src/dashboard/bull-board-adapter';

const UI_TEMPLATE = path.join(path.dirname(require.resolve('@bull-board/ui/package.json')), 'dist', 'index.ejs');

describe('renderBoardTemplate', () => {
  test('renders the installed bull-board page without its CDN font and with the values escaped', () => {
    const html = renderBoardTemplate(fs.readFileSync(UI_TEMPLATE, 'utf8'), {
      basePath: '/admin/queues/',
      title: 'Herald <queues>',
      uiConfig: '{"boardTitle":"Herald"}',
      favIconDefault: 'static/images/logo.svg',
      favIconAlternative: 'static/favicon-32x32.png',
    });
    expect(html).toContain('<base href="/admin/queues/" />');
    expect(html).toContain('<title>Herald &lt;queues&gt;</title>');
    expect(html).toContain('{"boardTitle":"Herald"}');
    expect(html).not.toMatch(/href="https?:/);
    expect(html).not.toContain('<%');
  });

  test('refuses a template with tags it does not understand', () => {
    expect(() => renderBoardTemplate('<p><% if (x) { %>x<% } %></p>', {})).toThrow(/template/);
  });
});
