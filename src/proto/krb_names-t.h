/* The names Zeek (base/protocols/krb/consts.zeek) and Suricata
 * (rust/src/krb) print for Kerberos numbers: part of what proto/krb-t.h
 * publishes, so the writers and detectors that print a struct
 * krb_message's numbers name them from type headers only. Switches over
 * literals. Type-only. */
#ifndef VIGIL_PROTO_KRB_NAMES_T_H
#define VIGIL_PROTO_KRB_NAMES_T_H

#include <stddef.h>
#include <stdint.h>

#include "proto/krb-t.h"

/* Zeek's KRB::cipher_name of an etype ("rc4-hmac"), a literal; NULL when unknown. */
static inline const char *krb_cipher_name(int32_t etype)
{
    switch (etype) {
    case 1: return "des-cbc-crc";
    case 2: return "des-cbc-md4";
    case 3: return "des-cbc-md5";
    case 5: return "des3-cbc-md5";
    case 7: return "des3-cbc-sha1";
    case 9: return "dsaWithSHA1-CmsOID";
    case 10: return "md5WithRSAEncryption-CmsOID";
    case 11: return "sha1WithRSAEncryption-CmsOID";
    case 12: return "rc2CBC-EnvOID";
    case 13: return "rsaEncryption-EnvOID";
    case 14: return "rsaES-OAEP-ENV-OID";
    case 15: return "des-ede3-cbc-Env-OID";
    case 16: return "des3-cbc-sha1-kd";
    case 17: return "aes128-cts-hmac-sha1-96";
    case 18: return "aes256-cts-hmac-sha1-96";
    case 23: return "rc4-hmac";
    case 24: return "rc4-hmac-exp";
    case 25: return "camellia128-cts-cmac";
    case 26: return "camellia256-cts-cmac";
    case 65: return "subkey-keymaterial";
    default: return NULL;
    }
}

/* Suricata's name of an etype ("RC4_HMAC"), a literal; NULL when unknown. */
static inline const char *krb_etype_eve_name(int32_t etype)
{
    switch (etype) {
    case 1: return "DES_CBC_CRC";
    case 2: return "DES_CBC_MD4";
    case 3: return "DES_CBC_MD5";
    case 5: return "DES3_CBC_MD5";
    case 7: return "DES3_CBC_SHA1";
    case 9: return "DSAWITHSHA1_CMSOID";
    case 10: return "MD5WITHRSAENCRYPTION_CMSOID";
    case 11: return "SHA1WITHRSAENCRYPTION_CMSOID";
    case 12: return "RC2CBC_ENVOID";
    case 13: return "RSAENCRYPTION_ENVOID";
    case 14: return "RSAES_OAEP_ENV_OID";
    case 15: return "DES_EDE3_CBC_ENV_OID";
    case 16: return "DES3_CBC_SHA1_KD";
    case 17: return "AES128_CTS_HMAC_SHA1_96";
    case 18: return "AES256_CTS_HMAC_SHA1_96";
    case 19: return "AES128_CTS_HMAC_SHA256_128";
    case 20: return "AES256_CTS_HMAC_SHA384_192";
    case 23: return "RC4_HMAC";
    case 24: return "RC4_HMAC_EXP";
    case 25: return "CAMELLIA128_CTS_CMAC";
    case 26: return "CAMELLIA256_CTS_CMAC";
    case 65: return "SUBKEY_KEYMATERIAL";
    default: return NULL;
    }
}

/* Zeek's KRB::error_msg / Suricata's ErrorCode name ("KDC_ERR_PREAUTH_REQUIRED"), a literal; NULL
 * when unknown. */
static inline const char *krb_error_name(int32_t code)
{
    switch (code) {
    case 0: return "KDC_ERR_NONE";
    case 1: return "KDC_ERR_NAME_EXP";
    case 2: return "KDC_ERR_SERVICE_EXP";
    case 3: return "KDC_ERR_BAD_PVNO";
    case 4: return "KDC_ERR_C_OLD_MAST_KVNO";
    case 5: return "KDC_ERR_S_OLD_MAST_KVNO";
    case 6: return "KDC_ERR_C_PRINCIPAL_UNKNOWN";
    case 7: return "KDC_ERR_S_PRINCIPAL_UNKNOWN";
    case 8: return "KDC_ERR_PRINCIPAL_NOT_UNIQUE";
    case 9: return "KDC_ERR_NULL_KEY";
    case 10: return "KDC_ERR_CANNOT_POSTDATE";
    case 11: return "KDC_ERR_NEVER_VALID";
    case 12: return "KDC_ERR_POLICY";
    case 13: return "KDC_ERR_BADOPTION";
    case 14: return "KDC_ERR_ETYPE_NOSUPP";
    case 15: return "KDC_ERR_SUMTYPE_NOSUPP";
    case 16: return "KDC_ERR_PADATA_TYPE_NOSUPP";
    case 17: return "KDC_ERR_TRTYPE_NOSUPP";
    case 18: return "KDC_ERR_CLIENT_REVOKED";
    case 19: return "KDC_ERR_SERVICE_REVOKED";
    case 20: return "KDC_ERR_TGT_REVOKED";
    case 21: return "KDC_ERR_CLIENT_NOTYET";
    case 22: return "KDC_ERR_SERVICE_NOTYET";
    case 23: return "KDC_ERR_KEY_EXPIRED";
    case 24: return "KDC_ERR_PREAUTH_FAILED";
    case 25: return "KDC_ERR_PREAUTH_REQUIRED";
    case 26: return "KDC_ERR_SERVER_NOMATCH";
    case 27: return "KDC_ERR_MUST_USE_USER2USER";
    case 28: return "KDC_ERR_PATH_NOT_ACCEPTED";
    case 29: return "KDC_ERR_SVC_UNAVAILABLE";
    case 31: return "KRB_AP_ERR_BAD_INTEGRITY";
    case 32: return "KRB_AP_ERR_TKT_EXPIRED";
    case 33: return "KRB_AP_ERR_TKT_NYV";
    case 34: return "KRB_AP_ERR_REPEAT";
    case 35: return "KRB_AP_ERR_NOT_US";
    case 36: return "KRB_AP_ERR_BADMATCH";
    case 37: return "KRB_AP_ERR_SKEW";
    case 38: return "KRB_AP_ERR_BADADDR";
    case 39: return "KRB_AP_ERR_BADVERSION";
    case 40: return "KRB_AP_ERR_MSG_TYPE";
    case 41: return "KRB_AP_ERR_MODIFIED";
    case 42: return "KRB_AP_ERR_BADORDER";
    case 44: return "KRB_AP_ERR_BADKEYVER";
    case 45: return "KRB_AP_ERR_NOKEY";
    case 46: return "KRB_AP_ERR_MUT_FAIL";
    case 47: return "KRB_AP_ERR_BADDIRECTION";
    case 48: return "KRB_AP_ERR_METHOD";
    case 49: return "KRB_AP_ERR_BADSEQ";
    case 50: return "KRB_AP_ERR_INAPP_CKSUM";
    case 51: return "KRB_AP_PATH_NOT_ACCEPTED";
    case 52: return "KRB_ERR_RESPONSE_TOO_BIG";
    case 60: return "KRB_ERR_GENERIC";
    case 61: return "KRB_ERR_FIELD_TOOLONG";
    case 62: return "KDC_ERROR_CLIENT_NOT_TRUSTED";
    case 63: return "KDC_ERROR_KDC_NOT_TRUSTED";
    case 64: return "KDC_ERROR_INVALID_SIG";
    case 65: return "KDC_ERR_KEY_TOO_WEAK";
    case 66: return "KDC_ERR_CERTIFICATE_MISMATCH";
    case 67: return "KRB_AP_ERR_NO_TGT";
    case 68: return "KDC_ERR_WRONG_REALM";
    case 69: return "KRB_AP_ERR_USER_TO_USER_REQUIRED";
    case 70: return "KDC_ERR_CANT_VERIFY_CERTIFICATE";
    case 71: return "KDC_ERR_INVALID_CERTIFICATE";
    case 72: return "KDC_ERR_REVOKED_CERTIFICATE";
    case 73: return "KDC_ERR_REVOCATION_STATUS_UNKNOWN";
    case 74: return "KDC_ERR_REVOCATION_STATUS_UNAVAILABLE";
    case 75: return "KDC_ERR_CLIENT_NAME_MISMATCH";
    case 76: return "KDC_ERR_KDC_NAME_MISMATCH";
    default: return NULL;
    }
}
/* Suricata's msg_type name ("KRB_AS_REQ"), a literal; NULL when unknown. */
static inline const char *krb_msg_type_name(unsigned type)
{
    switch (type) {
    case KRB_MSG_AS_REQ: return "KRB_AS_REQ";
    case KRB_MSG_AS_REP: return "KRB_AS_REP";
    case KRB_MSG_TGS_REQ: return "KRB_TGS_REQ";
    case KRB_MSG_TGS_REP: return "KRB_TGS_REP";
    case KRB_MSG_AP_REQ: return "KRB_AP_REQ";
    case KRB_MSG_ERROR: return "KRB_ERROR";
    default: return NULL;
    }
}

#endif
