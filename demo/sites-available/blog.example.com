# blog.example.com: retired, not enabled (no copy in sites-enabled/). Opened on its own, it is
# checked as if it sat inside an http block, since no root config includes it.

server {
    listen 80;
    server_name blog.example.com;
    root /var/www/blog;
    index index.html;

    location / {
        try_files $uri $uri/ =404;
    }
}
