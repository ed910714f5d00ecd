/* The names Zeek (base/protocols/dns/consts.zeek) and Suricata
 * (rust/src/dns/log.rs) print for DNS numbers: part of what proto/dns-t.h
 * publishes, so the writers and the signature reports that print a
 * struct dns_txn's numbers name them from type headers only. Switches
 * over literals, and the fallback spelled into the caller's buffer.
 * Type-only. */
#ifndef VIGIL_PROTO_DNS_NAMES_T_H
#define VIGIL_PROTO_DNS_NAMES_T_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Zeek's DNS::query_types name of a qtype ("A", "*"), a literal; NULL when it has none. */
static inline const char *dns_zeek_qtype_known(uint16_t t)
{
    switch (t) {
    case 1: return "A";
    case 2: return "NS";
    case 3: return "MD";
    case 4: return "MF";
    case 5: return "CNAME";
    case 6: return "SOA";
    case 7: return "MB";
    case 8: return "MG";
    case 9: return "MR";
    case 10: return "NULL";
    case 11: return "WKS";
    case 12: return "PTR";
    case 13: return "HINFO";
    case 14: return "MINFO";
    case 15: return "MX";
    case 16: return "TXT";
    case 17: return "RP";
    case 18: return "AFSDB";
    case 19: return "X25";
    case 20: return "ISDN";
    case 21: return "RT";
    case 22: return "NSAP";
    case 23: return "NSAP-PTR";
    case 24: return "SIG";
    case 25: return "KEY";
    case 26: return "PX";
    case 27: return "GPOS";
    case 28: return "AAAA";
    case 29: return "LOC";
    case 30: return "NXT";
    case 31: return "EID";
    case 32: return "NIMLOC";
    case 33: return "SRV";
    case 34: return "ATMA";
    case 35: return "NAPTR";
    case 36: return "KX";
    case 37: return "CERT";
    case 38: return "A6";
    case 39: return "DNAME";
    case 40: return "SINK";
    case 41: return "OPT";
    case 42: return "APL";
    case 43: return "DS";
    case 44: return "SSHFP";
    case 45: return "IPSECKEY";
    case 46: return "RRSIG";
    case 47: return "NSEC";
    case 48: return "DNSKEY";
    case 49: return "DHCID";
    case 50: return "NSEC3";
    case 51: return "NSEC3PARAM";
    case 52: return "TLSA";
    case 53: return "SMIMEA";
    case 55: return "HIP";
    case 56: return "NINFO";
    case 57: return "RKEY";
    case 58: return "TALINK";
    case 59: return "CDS";
    case 60: return "CDNSKEY";
    case 61: return "OPENPGPKEY";
    case 62: return "CSYNC";
    case 63: return "ZONEMD";
    case 64: return "SVCB";
    case 65: return "HTTPS";
    case 99: return "SPF";
    case 100: return "UINFO";
    case 101: return "UID";
    case 102: return "GID";
    case 103: return "UNSPEC";
    case 104: return "NID";
    case 105: return "L32";
    case 106: return "L64";
    case 107: return "LP";
    case 108: return "EUI48";
    case 109: return "EUI64";
    case 249: return "TKEY";
    case 250: return "TSIG";
    case 251: return "IXFR";
    case 252: return "AXFR";
    case 253: return "MAILB";
    case 254: return "MAILA";
    case 255: return "*";
    case 256: return "URI";
    case 257: return "CAA";
    case 32768: return "TA";
    case 32769: return "DLV";
    case 65281: return "WINS";
    case 65282: return "WINS-R";
    case 65422: return "XPF";
    case 65521: return "INTEGRITY";
    default: return NULL;
    }
}

/* Zeek's DNS::classes name ("C_INTERNET"), a literal; NULL when it has none. */
static inline const char *dns_zeek_class_known(uint16_t c)
{
    switch (c) {
    case 1: return "C_INTERNET";
    case 2: return "C_CSNET";
    case 3: return "C_CHAOS";
    case 4: return "C_HESIOD";
    case 254: return "C_NONE";
    case 255: return "C_ANY";
    default: return NULL;
    }
}

/* Zeek's DNS::base_errors name ("NOERROR"), a literal; NULL when it has none. */
static inline const char *dns_zeek_rcode_known(uint16_t r)
{
    switch (r) {
    case 0: return "NOERROR";
    case 1: return "FORMERR";
    case 2: return "SERVFAIL";
    case 3: return "NXDOMAIN";
    case 4: return "NOTIMP";
    case 5: return "REFUSED";
    case 6: return "YXDOMAIN";
    case 7: return "YXRRSET";
    case 8: return "NXRRSet";
    case 9: return "NOTAUTH";
    case 10: return "NOTZONE";
    case 11: return "unassigned-11";
    case 12: return "unassigned-12";
    case 13: return "unassigned-13";
    case 14: return "unassigned-14";
    case 15: return "unassigned-15";
    case 16: return "BADVERS";
    case 17: return "BADKEY";
    case 18: return "BADTIME";
    case 19: return "BADMODE";
    case 20: return "BADNAME";
    case 21: return "BADALG";
    case 22: return "BADTRUNC";
    case 23: return "BADCOOKIE";
    case 3842: return "BADSIG";
    default: return NULL;
    }
}

/* Zeek's DNS::opcodes name ("query"), a literal; NULL when it has none. */
static inline const char *dns_zeek_opcode_known(uint8_t op)
{
    switch (op) {
    case 0: return "query";
    case 1: return "iquery";
    case 2: return "server-status";
    case 4: return "notify";
    case 5: return "dynamic-update";
    case 6: return "dso";
    default: return NULL;
    }
}

/* Zeek's NetBIOS name service opcode name ("netbios-query"), a literal; NULL when it has none. */
static inline const char *dns_zeek_netbios_opcode_known(uint8_t op)
{
    switch (op) {
    case 0: return "netbios-query";
    case 5: return "netbios-registration";
    case 6: return "netbios-release";
    case 7: return "netbios-wack";
    case 8: return "netbios-refresh";
    default: return NULL;
    }
}

/* Suricata's rrtype name ("A", "ANY"), a literal; NULL when it has none:
 * Zeek's name but for two spellings and the types Suricata does not name. */
static inline const char *dns_suricata_rrtype_known(uint16_t t)
{
    switch (t) {
    case 23: return "NSAPPTR";
    case 255: return "ANY";
    case 31: case 32: case 40: case 53: case 56: case 57: case 58: case 61:
    case 62: case 63: case 100: case 101: case 102: case 103: case 104: case 105:
    case 106: case 107: case 108: case 109: case 251: case 252: case 253: case 257:
    case 32768: case 32769: case 65281: case 65282: case 65422: case 65521: return NULL;
    default: return dns_zeek_qtype_known(t);
    }
}

/* Suricata's rcode name of the low four bits' value ("NXDOMAIN"), a literal;
 * NULL when it has none: Zeek's names of 0 to 10, one spelled in capitals. */
static inline const char *dns_suricata_rcode_known(uint8_t r)
{
    if (r == 8)
        return "NXRRSET";
    return r <= 10 ? dns_zeek_rcode_known(r) : NULL;
}

/* name itself, or prefix and v in decimal in tmp (n bytes, cut as
 * snprintf cuts) for the numbers a table does not name: returns tmp then. */
static inline const char *dns_name_or_number(const char *name, const char *prefix, unsigned v, char *tmp, size_t n)
{
    if (name != NULL)
        return name;
    snprintf(tmp, n, "%s%u", prefix, v);
    return tmp;
}

/* Each returns a literal or tmp (n bytes of the caller's; 16 hold any). */
static inline const char *dns_zeek_qtype_name(uint16_t t, char *tmp, size_t n) /* "A", "*", "query-N" */
{
    return dns_name_or_number(dns_zeek_qtype_known(t), "query-", t, tmp, n);
}

/* A literal or tmp, as dns_zeek_qtype_name: "C_INTERNET", "qclass-N". */
static inline const char *dns_zeek_class_name(uint16_t c, char *tmp, size_t n)
{
    return dns_name_or_number(dns_zeek_class_known(c), "qclass-", c, tmp, n);
}

/* A literal or tmp, as dns_zeek_qtype_name: "NOERROR", "rcode-N". */
static inline const char *dns_zeek_rcode_name(uint16_t r, char *tmp, size_t n)
{
    return dns_name_or_number(dns_zeek_rcode_known(r), "rcode-", r, tmp, n);
}

/* A literal or tmp, as dns_zeek_qtype_name: "query", "opcode-N", "netbios-opcode-N". */
static inline const char *dns_zeek_opcode_name(uint8_t op, bool netbios, char *tmp, size_t n)
{
    if (netbios)
        return dns_name_or_number(dns_zeek_netbios_opcode_known(op), "netbios-opcode-", op, tmp, n);
    return dns_name_or_number(dns_zeek_opcode_known(op), "opcode-", op, tmp, n);
}

/* A literal or tmp, as dns_zeek_qtype_name: "A", or the number. */
static inline const char *dns_suricata_rrtype_name(uint16_t t, char *tmp, size_t n)
{
    return dns_name_or_number(dns_suricata_rrtype_known(t), "", t, tmp, n);
}

/* A literal or tmp, as dns_zeek_qtype_name: "NXDOMAIN", or the number. */
static inline const char *dns_suricata_rcode_name(uint8_t r, char *tmp, size_t n)
{
    r &= 0x0f;
    return dns_name_or_number(dns_suricata_rcode_known(r), "", r, tmp, n);
}

#endif
