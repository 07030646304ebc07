/* --target's URL check: what it accepts, what it refuses and says, what it gives back. */
/* SPDX-License-Identifier: MIT */
#include <string.h>

#include "sl_test.h"
#include "lab/lab.h"

/* Accepted, and given back as want. */
static void accepted(const char *url, const char *want)
{
    char out[LAB_TARGET_MAX + 1], why[160] = "";

    if (lab_target_parse(url, out, sizeof(out), why, sizeof(why)))
        fail_msg("'%s' refused: %s", url, why);
    if (strcmp(out, want))
        fail_msg("'%s' gave '%s', expected '%s'", url, out, want);
}

/* Refused, the reason containing words. */
static void refused(const char *url, const char *words)
{
    char out[LAB_TARGET_MAX + 1], why[160] = "";

    if (!lab_target_parse(url, out, sizeof(out), why, sizeof(why)))
        fail_msg("'%s' accepted as '%s'", url, out);
    if (!strstr(why, words))
        fail_msg("'%s' refused with '%s', expected it to say '%s'", url, why, words);
}

static void target_takes_hosts_ports_and_paths(void **state)
{
    (void)state;
    accepted("http://127.0.0.1:8080", "http://127.0.0.1:8080");
    accepted("http://127.0.0.1:8080/", "http://127.0.0.1:8080");
    accepted("https://lab.example.org", "https://lab.example.org");
    accepted("http://lab.example.org/shop//", "http://lab.example.org/shop");
    accepted("http://[::1]:9000", "http://[::1]:9000");
    accepted("http://h:1", "http://h:1");
    accepted("http://h:65535", "http://h:65535");
}

static void target_refuses_what_is_not_a_base_url(void **state)
{
    (void)state;
    refused("127.0.0.1:8080", "http://");
    refused("ftp://h", "http://");
    refused("", "http://");
    refused("http://", "a host");
    refused("http:///path", "a host");
    refused("http://:8080", "a host");
    refused("http://[::1", "a host");
    refused("http://[::1]x", "a host");
    refused("http://h:0", "port");
    refused("http://h:65536", "port");
    refused("http://h:", "port");
    refused("http://h:80x", "port");
    refused("http://h:8080:9", "port");
    refused("http://h/cart?x=1", "no query");
    refused("http://user@h", "no query");
    refused("http://h/a b", "no query");
    refused("http://h/#top", "no query");
}

static void target_refuses_a_url_too_long(void **state)
{
    char url[LAB_TARGET_MAX + 2];

    (void)state;
    memcpy(url, "http://", 7);
    memset(url + 7, 'a', sizeof(url) - 8);
    url[sizeof(url) - 1] = '\0'; /* LAB_TARGET_MAX + 1 bytes */
    refused(url, "at most");
    url[sizeof(url) - 2] = '\0'; /* LAB_TARGET_MAX bytes */
    accepted(url, url);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(target_takes_hosts_ports_and_paths),
        cmocka_unit_test(target_refuses_what_is_not_a_base_url),
        cmocka_unit_test(target_refuses_a_url_too_long),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
