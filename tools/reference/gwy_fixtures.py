#!/usr/bin/env python3
"""Expectation fixtures for the STM file readers, derived independently of our C# code.

For every real file in ../shared/data/real/ that Gwyddion 2.62 can open, runs Gwyddion's headless
converter (`xvfb-run -a gwyddion --convert-to-gwy=OUT.gwy IN`), parses the resulting .gwy with the
small stand-alone parser below and writes tests/StmKernel.Imaging.Tests/Fixtures/NAME.json with,
per channel: title, xres, yres, xreal, yreal, units, a handful of spot values and the mean.
The MATRIX file whose parameter file is missing cannot be converted by Gwyddion 2.62 (it aborts
on the missing file), so its fixture comes from reading the raw int32 ATAD block with `struct`.

Needs Debian's gwyddion and xvfb packages. Never run by CI; the JSON files are committed.
Usage: python3 tools/reference/gwy_fixtures.py [--check OUT.gwy]
"""
import json, math, os, struct, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REAL = os.path.join(ROOT, "..", "shared", "data", "real")
OUT = os.path.join(ROOT, "tests", "StmKernel.Imaging.Tests", "Fixtures")
FILES = ["eth_Si_7x7_051.sxm", "pf_nanonis.sxm", "empa2_test_data_hBN_defect_grid_spec_img_0071.sxm",
         "pf_createc_terrace.dat", "2014Mar01-093225--7_100.Z_mtrx"]


def parse_gwy(buf):
    """Returns the top-level GwyContainer as {name: value}; objects are (typename, dict)."""
    if buf[:4] != b"GWYP":
        raise ValueError("not a GWYP file")
    obj, _ = read_object(buf, 4)
    return obj


def cstr(buf, p):
    e = buf.index(b"\0", p)
    return buf[p:e].decode("utf-8"), e + 1


def read_object(buf, p):
    name, p = cstr(buf, p)
    size = struct.unpack_from("<I", buf, p)[0]
    p += 4
    end = p + size
    comps = {}
    while p < end:
        cname, p = cstr(buf, p)
        t = chr(buf[p]); p += 1
        if t in "bc":
            v = buf[p]; p += 1
        elif t == "i":
            v = struct.unpack_from("<i", buf, p)[0]; p += 4
        elif t == "q":
            v = struct.unpack_from("<q", buf, p)[0]; p += 8
        elif t == "d":
            v = struct.unpack_from("<d", buf, p)[0]; p += 8
        elif t == "s":
            v, p = cstr(buf, p)
        elif t == "o":
            v, p = read_object(buf, p)
        elif t in "CIQDSO":
            n = struct.unpack_from("<I", buf, p)[0]; p += 4
            if t == "D":
                v = list(struct.unpack_from("<%dd" % n, buf, p)); p += 8 * n
            elif t == "I":
                v = list(struct.unpack_from("<%di" % n, buf, p)); p += 4 * n
            elif t == "Q":
                v = list(struct.unpack_from("<%dq" % n, buf, p)); p += 8 * n
            elif t == "C":
                v = buf[p:p + n]; p += n
            elif t == "S":
                v = []
                for _ in range(n):
                    s, p = cstr(buf, p); v.append(s)
            else:
                v = []
                for _ in range(n):
                    o, p = read_object(buf, p); v.append(o)
        else:
            raise ValueError("unknown component type %r" % t)
        comps[cname] = v
    return (name, comps), end


def spots(xres, yres):
    """Fixed probe positions: corners, centre and a few interior points (deterministic)."""
    pts = [(0, 0), (xres - 1, 0), (0, yres - 1), (xres - 1, yres - 1), (xres // 2, yres // 2)]
    pts += [((37 * k + 11) % xres, (53 * k + 7) % yres) for k in range(1, 6)]
    return pts


def unit_of(field, key):
    u = field.get(key)
    return u[1].get("unitstr", "") if u else ""


def channels_from_gwy(path):
    _, top = parse_gwy(open(path, "rb").read())
    out = []
    ids = sorted(int(k.split("/")[1]) for k in top if k.count("/") == 2 and k.endswith("/data"))
    for i in ids:
        _, f = top["/%d/data" % i]
        xres, yres, data = f["xres"], f["yres"], f["data"]
        valid = [v for v in data if not math.isnan(v)]
        out.append({
            "id": i, "title": top.get("/%d/data/title" % i, ""), "xres": xres, "yres": yres,
            "xreal": f["xreal"], "yreal": f["yreal"],
            "unit_xy": unit_of(f, "si_unit_xy"), "unit_z": unit_of(f, "si_unit_z"),
            "spots": [[x, y, data[y * xres + x]] for x, y in spots(xres, yres)],
            "mean": sum(valid) / len(valid),
        })
    return out


def gwyddion_convert(src, dst):
    subprocess.run(["xvfb-run", "-a", "gwyddion", "--convert-to-gwy=" + dst, src], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)


def matrix_raw_fixture(name):
    """Raw int32 values of the parameter-less MATRIX file: CSED counts then the ATAD block."""
    b = open(os.path.join(REAL, name), "rb").read()
    p = b.index(b"CSED")
    intended, captured = struct.unpack_from("<II", b, p + 8 + 20)
    q = b.index(b"ATAD") + 8
    n = int(round(math.sqrt(intended // 4)))
    # Stored order: [up/down][line][trace/retrace][x]; the trace-up plane comes first, bottom line
    # first, so (like Gwyddion) our reader flips it: image row y is stored line n-1-y.
    raw_all = struct.unpack_from("<%di" % (4 * n * n), b, q)
    def trace_up(x, y):
        line = n - 1 - y
        return raw_all[line * 2 * n + x]
    return {"file": name, "intended": intended, "captured": captured, "channels": [{
        "id": 0, "title": "Z forward up (raw)", "xres": n, "yres": n,
        "spots": [[x, y, trace_up(x, y)] for x, y in spots(n, n)]}]}


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        print(json.dumps(channels_from_gwy(sys.argv[2]), indent=1)[:4000])
        return
    os.makedirs(OUT, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name in FILES:
            dst = os.path.join(tmp, name + ".gwy")
            gwyddion_convert(os.path.join(REAL, name), dst)
            fx = {"file": name, "source": "gwyddion 2.62 --convert-to-gwy", "channels": channels_from_gwy(dst)}
            with open(os.path.join(OUT, name + ".json"), "w") as f:
                json.dump(fx, f, indent=1)
            print(name, len(fx["channels"]), "channels")
        # An `up` scan: pf_nanonis.sxm with SCAN_DIR edited to "up" (the test makes the same edit).
        up = os.path.join(tmp, "pf_nanonis_up.sxm")
        with open(os.path.join(REAL, "pf_nanonis.sxm"), "rb") as f:
            data = f.read().replace(b":SCAN_DIR:\ndown", b":SCAN_DIR:\nup", 1)
        with open(up, "wb") as f:
            f.write(data)
        gwyddion_convert(up, up + ".gwy")
        with open(os.path.join(OUT, "pf_nanonis_up.sxm.json"), "w") as f:
            json.dump({"file": "pf_nanonis.sxm with SCAN_DIR up", "source": "gwyddion 2.62 --convert-to-gwy",
                       "channels": channels_from_gwy(up + ".gwy")}, f, indent=1)
    name = "2015Apr09-085359--4_2.Z_mtrx"
    with open(os.path.join(OUT, name + ".json"), "w") as f:
        json.dump(matrix_raw_fixture(name), f, indent=1)


if __name__ == "__main__":
    main()
