# Sourced by test_incident.sh: writes hand-made logs of the kinds the
# detectors emit (or will emit) into a folder: a phishing mail with a
# weaponised document whose remote template host 10.1.1.5 then fetches, a
# beacon and an upload from that host; a signature alert with a CVE
# exploiting camera 10.1.1.9, which then calls out and beacons; 26 benign
# hosts that all talk to one CDN address and resolve through 10.1.1.53.
# Rows carry fields Vigil does not know, and one EVE alert duplicates a
# Zeek-side finding (skipped).

T0=1700000000

tsv_header() { # PATH FIELD...
    local path=$1
    shift
    printf '#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\t%s\n#fields' "$path"
    printf '\t%s' "$@"
    printf '\n'
}

write_incident_logs() {
    local d=$1 T=$T0 h k
    mkdir -p "$d"
    {
        tsv_header notice ts uid id.orig_h id.orig_p id.resp_h id.resp_p note msg sub src dst sha256 remote_template attack unknown_extra
        printf '%s\tCmail1\t198.51.100.25\t25\t10.1.1.5\t25\tVigil::Phishing\tlookalike sender mfa-gov.example\tSubject: Sanctions list\t198.51.100.25\t10.1.1.5\t-\t-\t-\tx\n' $((T + 100))
        printf '%s\tCmail1\t198.51.100.25\t25\t10.1.1.5\t25\tVigil::Malicious_Document\tWord document with a remote template\tsanctions.docx\t198.51.100.25\t10.1.1.5\te3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\thttp://tpl.evil-docs.example/t.dotm\tT1221\tx\n' $((T + 101))
        printf '%s\tCcam2\t10.1.1.9\t51000\t198.18.7.7\t443\tVigil::Device_Calls_Out\tcamera calls an address outside its vendor cloud\tHikvision DS-2CD\t10.1.1.9\t198.18.7.7\t-\t-\t-\t-\n' $((T + 4000))
    } >"$d/notice.log"
    {
        tsv_header http ts uid id.orig_h id.resp_h host uri
        printf '%s\tChttp1\t10.1.1.5\t203.0.113.80\ttpl.evil-docs.example\t/t.dotm\n' $((T + 300))
        printf '%s\tChttp2\t10.1.1.20\t93.184.216.34\twww.example.com\t/\n' $((T + 310))
    } >"$d/http.log"
    {
        tsv_header dns ts uid id.orig_h id.orig_p id.resp_h id.resp_p query answers
        printf '#types\ttime\tstring\taddr\tport\taddr\tport\tstring\tvector[string]\n'
        printf '%s\tCd1\t10.1.1.5\t5353\t10.1.1.53\t53\tc2.evil-docs.example\t203.0.113.66\n' $((T + 500))
        for h in $(seq 20 45); do
            printf '%s\tCd%s\t10.1.1.%s\t5353\t10.1.1.53\t53\twww.example.com\t93.184.216.34\n' $((T + h)) "$h" "$h"
        done
    } >"$d/dns.log"
    {
        tsv_header beacon ts uid src reason score attack first_seen last_seen dst dst_port proto name connections interval
        printf '%s\t-\t10.1.1.5\tregular check-ins\t0.93\tT1071\t%s\t%s\t203.0.113.66\t443\ttcp\t-\t40\t600\n' $((T + 30000)) $((T + 600)) $((T + 30000))
        printf '%s\t-\t10.1.1.9\tregular check-ins\t0.88\tT1071\t%s\t%s\t198.18.7.7\t443\ttcp\t-\t30\t300\n' $((T + 30000)) $((T + 4100)) $((T + 30000))
    } >"$d/beacon.log"
    {
        tsv_header exfil ts uid src reason score attack first_seen last_seen dst dst_port proto name connections bytes_out
        printf '%s\tCx1\t10.1.1.5\tlarge upload to a new destination\t0.9\tT1041\t%s\t%s\t203.0.113.66\t443\ttcp\t-\t1\t52000000\n' $((T + 20000)) $((T + 20000)) $((T + 20000))
    } >"$d/exfil.log"
    {
        printf '{"timestamp":"2023-11-14T22:30:00.000000+0000","flow_id":1,"event_type":"alert","src_ip":"192.0.2.77","src_port":40000,"dest_ip":"10.1.1.9","dest_port":80,"proto":"TCP","community_id":"1:abc=","alert":{"action":"allowed","gid":1,"signature_id":2030001,"rev":1,"signature":"ET EXPLOIT Hikvision IP Camera RCE (CVE-2021-36260)","category":"Attempted Administrator Privilege Gain","severity":1,"metadata":{"cve":["CVE-2021-36260"],"new_field":{"deep":[1,2]}}},"unknown_top":true}\n'
        printf '{"timestamp":"2023-11-14T22:31:00.000000+0000","event_type":"alert","src_ip":"10.1.1.9","dest_ip":"198.18.7.7","alert":{"signature_id":9200000,"signature":"Vigil beacon (also in beacon.log)","category":"x"}}\n'
        printf '{"timestamp":"2023-11-14T22:32:00.000000+0000","event_type":"flow","src_ip":"10.1.1.9","dest_ip":"198.18.7.7"}\n'
    } >"$d/eve.json"
    {
        tsv_header conn ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto orig_bytes resp_bytes
        for h in $(seq 20 45); do
            for k in 1 2; do
                printf '%s\tC%s%s\t10.1.1.%s\t4000\t93.184.216.34\t443\ttcp\t1000\t50000\n' $((T + h * 60 + k)) "$h" "$k" "$h"
            done
        done
        for k in $(seq 1 40); do
            printf '%s\tCb%s\t10.1.1.5\t4000\t203.0.113.66\t443\ttcp\t300\t200\n' $((T + 600 + k * 600 + (k % 3) * 20)) "$k"
        done
        printf '%s\tCx1\t10.1.1.5\t4000\t203.0.113.66\t443\ttcp\t52000000\t2000\n' $((T + 20000))
        for k in $(seq 1 30); do
            printf '%s\tCc%s\t10.1.1.9\t4000\t198.18.7.7\t443\ttcp\t400\t300\n' $((T + 4100 + k * 300)) "$k"
        done
    } >"$d/conn.log"
    {
        tsv_header assets ts host vendor model device_type flagged reasons
        printf '%s\t10.1.1.9\tHikvision\tDS-2CD2042WD\tcamera\tT\trisky vendor (policy)\n' "$T"
        printf '%s\t10.1.1.20\tDell\tLatitude\tlaptop\tF\t-\n' "$T"
    } >"$d/assets.log"
}
