# The site's gunicorn and who may purge: edit for your deployment.
# default.vcl includes this file (varnishd -p vcl_path=<dir of this file>).

backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    # While the probe fails, Varnish stops asking gunicorn and serves what it
    # has for as long as the pages' stale-if-error allows.
    .probe = {
        .url = "/healthz";
        .interval = 2s;
        .timeout = 1s;
        .window = 3;
        .threshold = 2;
    }
}

# The web and worker machines, whose purge tasks send PURGE and BAN.
acl purgers {
    "localhost";
    "127.0.0.1";
    "::1";
}
