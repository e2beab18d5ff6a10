server {
    listen 80;
    server_name app.example.com;

    include snippets/proxy-headers.conf;

    location / {
        proxy_pass http://app_servers;
    }

    location /ws/ {
        include snippets/proxy-headers.conf;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_pass http://app_servers;
    }
}
