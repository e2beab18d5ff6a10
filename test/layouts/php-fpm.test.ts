// PHP-FPM the two usual ways: WordPress's `try_files $uri $uri/ /index.php?$args` in front of a
// `location ~ \.php$` with Debian's fastcgi-php snippet and a unix socket (the pool is stopped, so
// the socket is missing), and a Symfony-style front controller over TCP whose PHP answers
// "Primary script unknown". The attempts happen in the PHP locations, never in `location /`.
import assert from 'node:assert/strict';
import { judge, layoutTest } from './lib';

layoutTest('PHP-FPM: try_files into the php location; lines link to the fastcgi_pass location', 'php-fpm', {
    backends: { fpm: 'fastcgi-unknown' },
    requests: [
      { port: 'http', host: 'blog.test', path: '/2024/03/hello-world/' },
      { port: 'http', host: 'blog.test', path: '/index.php?p=12' },
      { port: 'http', host: 'blog.test', path: '/wp-login.php' },
      { port: 'http', host: 'shop.test', path: '/products/12' },
      { port: 'http', host: 'shop.test', path: '/cart?step=2' },
    ],
  }, (r) => {
  assert.deepEqual(r.responses.map((x) => x.res.status), [502, 502, 404, 404, 404]);
  const problems = judge(r, (_row, peer) => {
    if (peer === 'php8.2-fpm.sock') return { where: 'sites-enabled/blog.test ~ \\.php$' };
    if (peer === 'fpm') return { where: 'sites-enabled/shop.test ~ ^/index\\.php(/|$)' };
    return null;
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(r.rows.map((x) => x.cause), ['upstream-socket-missing', 'upstream-socket-missing', 'fastcgi-primary-script-unknown', 'fastcgi-primary-script-unknown']);
});
