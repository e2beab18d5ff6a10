// The files Debian's nginx package ships next to nginx.conf (fastcgi_params, fastcgi.conf,
// proxy_params, scgi_params, uwsgi_params, mime.types, snippets/fastcgi-php.conf,
// snippets/snakeoil.conf), as facts: which directives they hold. When such an include cannot be
// read (outside the workspace in the editor, or a config checked away from its Debian server),
// the analysis uses this instead of losing their directives: `try_files` twice with
// snippets/fastcgi-php.conf is then still "duplicate", and fastcgi_param SCRIPT_FILENAME known.
// The text is written here from those facts, not copied from the package.

const CGI_VARS: [string, string][] = [
  ['QUERY_STRING', '$query_string'], ['REQUEST_METHOD', '$request_method'], ['CONTENT_TYPE', '$content_type'],
  ['CONTENT_LENGTH', '$content_length'], ['SCRIPT_NAME', '$fastcgi_script_name'], ['REQUEST_URI', '$request_uri'],
  ['DOCUMENT_URI', '$document_uri'], ['DOCUMENT_ROOT', '$document_root'], ['SERVER_PROTOCOL', '$server_protocol'],
  ['REQUEST_SCHEME', '$scheme'], ['HTTPS', '$https if_not_empty'], ['GATEWAY_INTERFACE', 'CGI/1.1'],
  ['SERVER_SOFTWARE', 'nginx/$nginx_version'], ['REMOTE_ADDR', '$remote_addr'], ['REMOTE_PORT', '$remote_port'],
  ['SERVER_ADDR', '$server_addr'], ['SERVER_PORT', '$server_port'], ['SERVER_NAME', '$server_name'],
  ['REDIRECT_STATUS', '200'],
];

function params(directive: string, vars: [string, string][]): string {
  return vars.map(([k, v]) => `${directive} ${k} ${v};`).join('\n') + '\n';
}

const uwsgiVars = CGI_VARS.filter(([k]) => !['SCRIPT_NAME', 'GATEWAY_INTERFACE', 'SERVER_SOFTWARE', 'REDIRECT_STATUS'].includes(k))
  .map(([k, v]): [string, string] => [k, k === 'HTTPS' ? v : v.replace('$fastcgi_script_name', '$document_uri')]);

const FILES: Record<string, string> = {
  fastcgi_params: params('fastcgi_param', CGI_VARS),
  'fastcgi.conf': params('fastcgi_param', [['SCRIPT_FILENAME', '$document_root$fastcgi_script_name'], ...CGI_VARS]),
  scgi_params: params('scgi_param', uwsgiVars.filter(([k]) => k !== 'DOCUMENT_URI').concat([['SCGI', '1']])),
  uwsgi_params: params('uwsgi_param', uwsgiVars),
  proxy_params: [
    'proxy_set_header Host $http_host;',
    'proxy_set_header X-Real-IP $remote_addr;',
    'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    'proxy_set_header X-Forwarded-Proto $scheme;',
  ].join('\n') + '\n',
  'mime.types': 'types {\n    text/html html htm shtml;\n    text/css css;\n    application/javascript js;\n    application/json json;\n    image/png png;\n    image/svg+xml svg svgz;\n}\n',
  'snippets/fastcgi-php.conf': [
    'fastcgi_split_path_info ^(.+?\\.php)(/.*)$;',
    'try_files $fastcgi_script_name =404;',
    'set $path_info $fastcgi_path_info;',
    'fastcgi_param PATH_INFO $path_info;',
    'fastcgi_index index.php;',
    'include fastcgi.conf;',
  ].join('\n') + '\n',
  'snippets/snakeoil.conf': 'ssl_certificate /etc/ssl/certs/ssl-cert-snakeoil.pem;\nssl_certificate_key /etc/ssl/private/ssl-cert-snakeoil.key;\n',
};

/** The name of a Debian-shipped file this path stands for ("snippets/fastcgi-php.conf"), if any. */
export function debianFileName(path: string, confDir: string): string | undefined {
  const p = path.replace(/\\/g, '/');
  for (const name of Object.keys(FILES)) {
    if (!p.endsWith(`/${name}`)) continue;
    const dir = p.slice(0, -name.length - 1);
    if (dir === confDir.replace(/\\/g, '/').replace(/\/$/, '') || /(^|\/)nginx(\/conf)?$/.test(dir)) return name;
  }
  return undefined;
}

/** Text standing for a Debian-shipped file, or undefined. */
export function debianFileText(name: string): string | undefined {
  return Object.hasOwn(FILES, name) ? FILES[name] : undefined;
}
