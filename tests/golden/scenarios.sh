# The golden scenarios and how each is run, shared by tests/golden/run.sh
# and scripts/alloc-fail (sourced, not run).
# shellcheck shell=bash disable=SC2034
golden=${golden:?set golden to tests/golden before sourcing}

# Scenarios whose logs are deterministic and worth pinning. Damaged captures
# (cut, badheader) are here too: vigil exits 1 on them but its logs must
# still be exactly right up to the damage.
# NAME@LINKTYPE writes the scenario in that link type (vigil-gen --linktype):
# libpcap reads one link type per file, so each gets its own capture.
scenarios=(basic tcp-states frag vlan ipv6 tunnels truncated corrupt cut badheader timeouts
    basic@sll basic@sll2 basic@raw basic@null basic@loop
    dns-tcp http tls quic smtp dhcp ssh intel hunt sig incident devices iot-exploits
    kerberos rdp ldap fanout
    smb schtask wmi
    short-capture
    http-eve
    ftp starttls openvpn ranges
    basic@nflog basic@wlan basic@radiotap basic@frelay http-edge midstream
    prevalence)
# a session's keepalives and a voice server's probes beside a jittered beacon (#12)
scenarios+=(keepalive)
# three VLAN tags, ESP by SPI, NTP in VXLAN, a one-way UDP flow past Suricata's 30 s (#12)
scenarios+=(encap)
# Suricata's anomalies Zeek does not raise: ICMPv4 unknown type and code, an SMTP reply code it does not know (#12)
scenarios+=(anomaly)
# a pcapng whose interfaces differ in link type and snapshot length: libpcap 1.10 refuses it, capture/pcapng.c reads it (#12)
scenarios+=(linktypes)
# vigil read options of a scenario.
args_of() {
    case $1 in
        # every hit (no suppression): the scenario pins each match point
        intel) echo "--intel $golden/intel-feeds --no-behavior --intel-suppress 0" ;;
        # relative to the repository (run from there): notice.log's sub names the rule file
        sig) echo "--rules rules --rules tests/golden/sig-rules --no-behavior" ;;
        # every incident from the detectors: the mail and its document (--protect, --inspect-files), the
        # camera (--devices) and its exploit (the default rules, named by a relative path: notice.log's sub names it)
        incident) echo "--intel $golden/incident-feeds --devices --inspect-files --protect $golden/incident/protect.tsv --default-rules rules/devices.rules" ;;
        devices) echo "--devices --no-behavior" ;;
        # each published camera/router exploit beside a benign request to the same device
        iot-exploits) echo "--rules rules/devices.rules --no-behavior" ;;
        # every DHCP message with Suricata's extended fields (devices shows the default: the ACKs)
        dhcp) echo "--eve-dhcp-extended" ;;
        # ET-style SMB and DCE-RPC rules: those that fire and those that must not (#14)
        smb) echo "--rules tests/golden/smb-rules" ;;
        # connections first seen after their handshake are parsed only on request (Suricata's stream.midstream); a DNS answer alone (dns v2: its event names the client as src)
        midstream) echo "--midstream --no-behavior --eve-dns-version 2" ;;
        # one indicator published after the traffic, one expired before it: reported with their validity;
        # each alerts once per host, its 35 repeats summarised once (a suppression longer than the capture)
        prevalence) echo "--intel $golden/prevalence-feeds --intel-suppress 14400" ;;
        # decode anomalies with the head of their frame (Suricata's anomaly `packethdr: yes`)
        anomaly) echo "--eve-anomaly-packethdr --no-behavior" ;;
    esac
}
# The logs pinned for a scenario (default: all). The hunt capture spans 33
# hours: only its findings are pinned, the protocol logs are covered elsewhere.
pinned_of() {
    case $1 in
        hunt) echo "beacon.log long_conn.log tunnel_dns.log dga.log exfil.log" ;;
        sig | iot-exploits) echo "notice.log eve.json" ;;
        incident) echo "beacon.log exfil.log intel.log smtp.log files.log http.log notice.log phish.log incident.log" ;;
        # two minutes of tunnels and their look-alikes: the notices (and the run-long findings) say which were caught
        short-capture) echo "notice.log tunnel_dns.log dga.log incident.log" ;;
        prevalence) echo "beacon.log intel.log sightings.log" ;;
        # a session's keepalives and a voice server's probes beside a jittered beacon: only the beacon is reported
        keepalive) echo "beacon.log long_conn.log" ;;
    esac
}
# Scenarios whose logs are then read back by `vigil hunt`, which must find
# the same (tests/golden/compare_hunt.py).
hunt_check_of() {
    case $1 in
        intel) echo intel ;;
        hunt) echo findings ;;
        prevalence) echo findings ;;
        keepalive) echo findings ;;
    esac
}
