# admin.example.com: internal tools. This file started as a copy of Debian's "default" site.
# (Enabled: sites-enabled/ holds a copy of this file. On a server it would be a symlink; the demo
# uses copies so that it works on every checkout, Windows and zip downloads included.)

server {
    listen 80 default_server;
    server_name admin.example.com;

    # MISTAKE (502): the admin app is a Node server on port 3000 that speaks plain HTTP. With
    # https:// nginx opens a TLS handshake to it and gets an HTTP answer back:
    # `SSL_do_handshake() failed (SSL: error:0A00010B:SSL routines::wrong version number)`.
    # Fix: proxy_pass http://127.0.0.1:3000;
    location / {
        include snippets/proxy-headers.conf;
        proxy_pass https://127.0.0.1:3000;
    }

    # MISTAKE: a typo. nginx -t: `unknown directive "proxy_pas"`.
    location /metrics/ {
        proxy_pas http://127.0.0.1:9100/;
    }

    # MISTAKE (502): there is no upstream called "billing-api" (conf.d/upstreams.conf defines
    # "billing_api"), so nginx takes it for a host name, and refuses to start with
    # `host not found in upstream "billing-api"` when DNS cannot resolve it.
    location /billing/ {
        include snippets/proxy-headers.conf;
        proxy_pass http://billing-api;
    }

    # MISTAKE (502): a variable in proxy_pass makes nginx resolve the host name for every
    # request, at run time, with its own resolver, and none is configured:
    # `no resolver defined to resolve reports.internal`. Fix: add `resolver 127.0.0.53;` (or
    # your DNS server) to this server block.
    location /svc/ {
        include snippets/proxy-headers.conf;
        proxy_pass http://$svc_host;
    }

    # Grafana listens on a unix socket. When Grafana is stopped (or its socket moved), nginx logs
    # `connect() to unix:/run/grafana/grafana.sock failed (2: No such file or directory)`.
    location /grafana/ {
        include snippets/proxy-headers.conf;
        proxy_pass http://unix:/run/grafana/grafana.sock:/;
    }
}
