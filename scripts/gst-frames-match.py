#!/usr/bin/env python3
"""Whether the I420 frames gst-launch-1.0's filesink wrote equal packed yuv420p frames.

Usage: gst-frames-match.py GST_OUTPUT REFERENCE WIDTH HEIGHT

filesink writes every buffer as it is: one buffer per frame, the picture at its start in
GStreamer's default I420 layout (each plane's stride rounded up to 4 bytes, the planes one
after the other), possibly followed by the rest of the decoder's buffer. The reference is
what `ffmpeg -f rawvideo -pix_fmt yuv420p` writes. Every visible row of every plane must be
identical; exits 1 (with the first difference) otherwise.
"""
import sys


def up4(v):
    return (v + 3) & ~3


def compare(out, ref, width, height):
    ref_frame = width * height * 3 // 2
    frames = len(ref) // ref_frame
    if frames == 0 or len(ref) % ref_frame:
        return f"the reference is not whole {width}x{height} frames"
    if len(out) % frames:
        return f"{len(out)} bytes of output for {frames} frames"
    out_frame = len(out) // frames
    cw, ch = width // 2, (height + 1) // 2
    ys, cs = up4(width), up4(cw)
    # (output offset, output stride, reference offset, reference stride, width, rows)
    planes = [
        (0, ys, 0, width, width, height),
        (ys * height, cs, width * height, cw, cw, ch),
        (ys * height + cs * ch, cs, width * height + cw * ch, cw, cw, ch),
    ]
    if ys * height + 2 * cs * ch > out_frame:
        return f"output buffers of {out_frame} bytes cannot hold a {width}x{height} frame"
    for f in range(frames):
        o = out[f * out_frame:(f + 1) * out_frame]
        r = ref[f * ref_frame:(f + 1) * ref_frame]
        for p, (oo, os_, ro, rs, w, rows) in enumerate(planes):
            for y in range(rows):
                if o[oo + y * os_:oo + y * os_ + w] != r[ro + y * rs:ro + y * rs + w]:
                    return f"frame {f}, plane {p}, row {y} differs"
    return None


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    with open(sys.argv[1], "rb") as f:
        out = f.read()
    with open(sys.argv[2], "rb") as f:
        ref = f.read()
    err = compare(out, ref, int(sys.argv[3]), int(sys.argv[4]))
    print(err or f"{len(ref) // (int(sys.argv[3]) * int(sys.argv[4]) * 3 // 2)} frames identical")
    sys.exit(1 if err else 0)


if __name__ == "__main__":
    main()
