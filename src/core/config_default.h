/* config_default.h: the configuration sekimori runs with when no -c is given, as YAML text that
 * cfg_load_default() parses like any file, so --dump-config and -v show it the same way. It
 * holds only the keys sekimori reads today, each with the value Suricata 8's stock
 * suricata.yaml gives it (written here, not copied; docs/configuration.md lists the keys), and
 * grows as stages learn new keys. A user's suricata.yaml replaces it whole: Suricata does not
 * layer a -c file on top of its stock file either, and each reader keeps its own fallback for
 * a key the file leaves out. */
#ifndef SK_CORE_CONFIG_DEFAULT_H
#define SK_CORE_CONFIG_DEFAULT_H

/* A macro rather than a const array so that no unit including this header carries an unused
 * copy; config.c is its one user. */
#define CFG_DEFAULT_YAML \
    "%YAML 1.1\n" \
    "---\n" \
    "vars:\n" \
    "  address-groups:\n" \
    "    HOME_NET: \"[192.168.0.0/16,10.0.0.0/8,172.16.0.0/12]\"\n" \
    "    EXTERNAL_NET: \"!$HOME_NET\"\n" \
    "    HTTP_SERVERS: \"$HOME_NET\"\n" \
    "    SMTP_SERVERS: \"$HOME_NET\"\n" \
    "    SQL_SERVERS: \"$HOME_NET\"\n" \
    "    DNS_SERVERS: \"$HOME_NET\"\n" \
    "    TELNET_SERVERS: \"$HOME_NET\"\n" \
    "    AIM_SERVERS: \"$EXTERNAL_NET\"\n" \
    "    DC_SERVERS: \"$HOME_NET\"\n" \
    "    DNP3_SERVER: \"$HOME_NET\"\n" \
    "    DNP3_CLIENT: \"$HOME_NET\"\n" \
    "    MODBUS_CLIENT: \"$HOME_NET\"\n" \
    "    MODBUS_SERVER: \"$HOME_NET\"\n" \
    "    ENIP_CLIENT: \"$HOME_NET\"\n" \
    "    ENIP_SERVER: \"$HOME_NET\"\n" \
    "  port-groups:\n" \
    "    HTTP_PORTS: \"80\"\n" \
    "    SHELLCODE_PORTS: \"!80\"\n" \
    "    ORACLE_PORTS: 1521\n" \
    "    SSH_PORTS: 22\n" \
    "    DNP3_PORTS: 20000\n" \
    "    MODBUS_PORTS: 502\n" \
    "    FILE_DATA_PORTS: \"[$HTTP_PORTS,110,143]\"\n" \
    "    FTP_PORTS: 21\n" \
    "    GENEVE_PORTS: 6081\n" \
    "    VXLAN_PORTS: 4789\n" \
    "    TEREDO_PORTS: 3544\n" \
    "    SIP_PORTS: \"[5060, 5061]\"\n" \
    /* Suricata's stock file says /var/log/suricata/, a directory a fresh install owns and a \
     * developer's checkout does not: "." lets a run without -c or -l write beside the user \
     * instead of failing on a missing or unwritable system directory. */ \
    "default-log-dir: .\n" \
    "stats:\n" \
    "  enabled: yes\n" \
    "  interval: 8\n" \
    "outputs:\n" \
    "  - eve-log:\n" \
    "      enabled: yes\n" \
    "      filetype: regular\n" \
    "      filename: eve.json\n" \
    "      types:\n" \
    "        - alert\n" \
    /* Suricata's stock file leaves anomaly.types empty, which logs application-layer \
     * anomalies only; sekimori's built-in run shows the decoder and stream ones too, since \
     * those are what it produces first. A suricata.yaml given with -c decides for itself. */ \
    "        - anomaly:\n" \
    "            enabled: yes\n" \
    "            types:\n" \
    "              decode: yes\n" \
    "              stream: yes\n" \
    "              applayer: yes\n" \
    "        - flow\n" \
    "        - stats:\n" \
    "            totals: yes\n" \
    "            threads: no\n" \
    "            deltas: no\n" \
    "flow:\n" \
    "  memcap: 128mb\n" \
    "  hash-size: 65536\n" \
    "  prealloc: 10000\n" \
    "  emergency-recovery: 30\n" \
    "flow-timeouts:\n" \
    "  default:\n" \
    "    new: 30\n" \
    "    established: 300\n" \
    "    closed: 0\n" \
    "    bypassed: 100\n" \
    "    emergency-new: 10\n" \
    "    emergency-established: 100\n" \
    "    emergency-closed: 0\n" \
    "    emergency-bypassed: 50\n" \
    "  tcp:\n" \
    "    new: 60\n" \
    "    established: 600\n" \
    "    closed: 60\n" \
    "    bypassed: 100\n" \
    "    emergency-new: 5\n" \
    "    emergency-established: 100\n" \
    "    emergency-closed: 10\n" \
    "    emergency-bypassed: 50\n" \
    "  udp:\n" \
    "    new: 30\n" \
    "    established: 300\n" \
    "    bypassed: 100\n" \
    "    emergency-new: 10\n" \
    "    emergency-established: 100\n" \
    "    emergency-bypassed: 50\n" \
    "  icmp:\n" \
    "    new: 30\n" \
    "    established: 300\n" \
    "    bypassed: 100\n" \
    "    emergency-new: 10\n" \
    "    emergency-established: 100\n" \
    "    emergency-bypassed: 50\n" \
    "threading:\n" \
    "  set-cpu-affinity: no\n" \
    "  detect-thread-ratio: 1.0\n" \
    "decoder:\n" \
    /* Ports as numbers, not $TEREDO_PORTS: the same values as the port-groups above, readable \
     * by a decoder that does not expand variables. A user's file may still say $VXLAN_PORTS. */ \
    "  teredo:\n" \
    "    enabled: true\n" \
    "    ports: 3544\n" \
    "  vxlan:\n" \
    "    enabled: true\n" \
    "    ports: 4789\n" \
    "  geneve:\n" \
    "    enabled: true\n" \
    "    ports: 6081\n" \
    "  max-layers: 16\n" \
    "pcap-file:\n" \
    "  checksum-checks: auto\n"

#endif
