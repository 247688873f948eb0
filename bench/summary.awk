# bench/summary.awk: the table bench/run.sh ends with.  Reads lines
# "<label>.<figure> <value> <unit>" and prints, per figure, each server's
# value, httpsvc/nginx (and httpsvc/base with a base build), issue 17's
# goal for that ratio and whether this run reached it; then httpsvc's
# handshake CPU against OpenSSL's own in-memory cost (label "openssl").
# usage: awk -v labels="nginx httpsvc [base]" -f summary.awk results.txt
{ v[$1] = $2; u[$1] = $3 }
function ratio(b, a) { return (a + 0 != 0 && b != "") ? b / a : "" }
function verdict(r, g,    op, x) {
	if (g == "" || r == "") return ""
	op = substr(g, 1, 2); x = substr(g, 4) + 0
	return (op == ">=" ? r >= x : r <= x) ? "yes" : "no"
}
END {
	nl = split(labels, lab, " ")
	n = split("keepalive_rps keepalive_p50_ms keepalive_p99_ms keepalive_server_cpu_us " \
	    "full_hs_per_s full_hs_server_cpu_us resumed_hs_per_s resumed_hs_server_cpu_us " \
	    "h2_rps h2_server_cpu_us idle_mb_per_10000 syscalls_per_req", m, " ")
	goal["keepalive_rps"] = ">= 1.3"; goal["keepalive_p99_ms"] = "<= 1.0"
	goal["full_hs_server_cpu_us"] = "<= 0.8"; goal["resumed_hs_server_cpu_us"] = "<= 0.7"
	goal["h2_rps"] = ">= 1.5"; goal["idle_mb_per_10000"] = "<= 1.0"
	hdr = sprintf("| %-34s", "figure")
	sep = "|------------------------------------"
	for (j = 1; j <= nl; j++) { hdr = hdr sprintf(" | %10s", lab[j]); sep = sep "|------------" }
	hdr = hdr sprintf(" | %8s", "/nginx"); sep = sep "|----------"
	if (nl > 2) { hdr = hdr sprintf(" | %8s", "/base"); sep = sep "|----------" }
	hdr = hdr sprintf(" | %-7s | %-4s |", "goal", "met"); sep = sep "|---------|------|"
	print hdr; print sep
	for (i = 1; i <= n; i++) {
		k = m[i]; any = 0
		for (j = 1; j <= nl; j++) if ((lab[j] "." k) in v) any = 1
		if (!any) continue
		unit = u["httpsvc." k] != "" ? u["httpsvc." k] : u["nginx." k]
		line = sprintf("| %-34s", k " (" unit ")")
		for (j = 1; j <= nl; j++) line = line sprintf(" | %10s", v[lab[j] "." k])
		r = ratio(v["httpsvc." k], v["nginx." k])
		line = line sprintf(" | %8s", r == "" ? "-" : sprintf("%.2fx", r))
		if (nl > 2) {
			rb = ratio(v["httpsvc." k], v["base." k])
			line = line sprintf(" | %8s", rb == "" ? "-" : sprintf("%.2fx", rb))
		}
		line = line sprintf(" | %-7s | %-4s |", goal[k], verdict(r, goal[k]))
		print line
	}
	for (i = 1; i <= 2; i++) {
		k = i == 1 ? "full_hs_server_cpu_us" : "resumed_hs_server_cpu_us"
		if (!(("openssl." k) in v) || !(("httpsvc." k) in v)) continue
		r = ratio(v["httpsvc." k], v["openssl." k])
		rn = ratio(v["nginx." k], v["openssl." k])
		g = i == 1 ? "<= 1.2" : ""
		printf "%s: OpenSSL in memory %s us; httpsvc %.2fx of it, nginx %.2fx%s\n", k,
		    v["openssl." k], r, rn, g == "" ? "" : " (goal " g ": " verdict(r, g) ")"
	}
}
