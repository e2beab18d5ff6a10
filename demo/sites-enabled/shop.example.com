# shop.example.com: the storefront, its JSON API and the live chat.
# (Enabled: sites-enabled/ holds a copy of this file. On a server it would be a symlink; the demo
# uses copies so that it works on every checkout, Windows and zip downloads included.)

server {
    # MISTAKE: admin.example.com (enabled first, the files load in name order) already claims
    # default_server for port 80, so nginx -t fails with
    # `a duplicate default server for 0.0.0.0:80`. Only visible with both sites loaded.
    listen 80 default_server;
    server_name shop.example.com www.shop.example.com;
    return 301 https://shop.example.com$request_uri;
}

server {
    listen 443 ssl http2;
    server_name shop.example.com;

    ssl_certificate     /etc/ssl/certs/shop.example.com.pem;
    ssl_certificate_key /etc/ssl/private/shop.example.com.key;
    include snippets/ssl-params.conf;

    # The storefront. When both app servers are down: `connect() failed (111: Connection refused)`.
    location / {
        include snippets/proxy-headers.conf;
        proxy_pass http://storefront;
    }

    location /api/ {
        include snippets/proxy-headers.conf;

        # MISTAKE (keepalive): api_backend has "keepalive 32", but there is no
        # `proxy_http_version 1.1;` and no `proxy_set_header Connection "";` here, so no
        # upstream connection is ever reused (see conf.d/upstreams.conf).
        proxy_pass http://api_backend;

        # MISTAKE (buffers): the API sets big cookies, the proxy logged
        # `upstream sent too big header while reading response header from upstream`, and
        # someone raised only proxy_buffer_size. With the default `proxy_buffers 8 4k` the
        # default proxy_busy_buffers_size becomes 32k, more than the 28k nginx allows, so
        # nginx -t refuses the config: `"proxy_busy_buffers_size" must be less than the size
        # of all "proxy_buffers" minus one buffer`. Fix: also set `proxy_buffers 8 16k;`.
        proxy_buffer_size 16k;

        # MISTAKE (lost headers): proxy_set_header in a nested location replaces the whole list
        # inherited from /api/ instead of adding to it. Uploads reach the API without Host,
        # X-Real-IP and X-Forwarded-*, and the app builds wrong redirect URLs and logs the
        # proxy's address as the client's.
        location /api/uploads/ {
            proxy_set_header X-Upload-Size $content_length;
            client_max_body_size 50m;
            proxy_pass http://api_backend;
        }
    }

    # MISTAKE (WebSocket): the upgrade headers are right, but proxy_read_timeout stays at its
    # default of 60s. A chat nobody types in for a minute is cut by nginx with
    # `upstream timed out (110: Connection timed out) while proxying upgraded connection`.
    # Fix: `proxy_read_timeout 1h;` (or ping from the server more often than the timeout).
    location /chat/ {
        proxy_pass http://chat_ws;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;
    }

    # Product images come from the image resizer on this host. While it is down, error_page
    # hands the request to the storefront, which renders a placeholder; when the storefront is
    # down too, one request writes two lines: the resizer's (in /images/) and the storefront's
    # (in @image_placeholder). Each names its own backend in `upstream:`.
    location /images/ {
        proxy_pass http://127.0.0.1:8081;
        error_page 502 504 = @image_placeholder;
    }

    location @image_placeholder {
        include snippets/proxy-headers.conf;
        proxy_pass http://storefront;
    }
}
