-- Masked webhook URLs show only the host's last two labels: a secret can be a subdomain
-- (https://<token>.m.pipedream.net/...). Re-masks the hosts saved in full; IP addresses stay whole.
UPDATE "webhooks"
SET "url_masked" = regexp_replace("url_masked", '^([^:/]+://)[^/]*\.([^./:]+\.[^./:]+)\.?(:[0-9]+)?/', '\1…\2\3/')
WHERE "url_masked" ~ '^[^:/]+://[^/]*\.[^./:]+\.[^./:]+\.?(:[0-9]+)?/'
  AND "url_masked" !~ '^[^:/]+://(\[|[0-9.]+(:[0-9]+)?/)';
