#!/usr/bin/env python3
"""Writes H.264 streams with syntax libx264 never produces, for the decoder corpus.

Usage: gen-h264-syntax.py KIND WIDTH HEIGHT SOURCE.yuv OUT.h264
       gen-h264-syntax.py cut IN.h264 OUT.h264 N

SOURCE.yuv holds raw 8-bit 4:2:0 pictures (I420) of WIDTH x HEIGHT (multiples of 16, and
of 32 in height for the field kind). The pictures are coded losslessly as I_PCM
macroblocks, or as skipped macroblocks that copy a reference, so which reference a
decoder picks decides every sample it outputs. KIND is one of:

  ltr     Baseline, progressive: PCM I pictures; P pictures of skipped and PCM
          macroblocks whose references are chosen by reference list modification among
          long-term pictures made by memory management operations 1 to 6 (including a
          picture that clears every reference with operation 5).
  fields  Main, PAFF: every frame is coded as two field pictures (top first), I field
          pairs of PCM macroblocks and P field pairs whose skipped macroblocks copy a
          field of the same or the opposite parity (the second field of a frame may
          reference the first), with PCM macroblocks between them.

`cut` copies IN.h264 (whose access units each begin with an access unit delimiter) from
the access unit carrying its Nth recovery point SEI message (N >= 1) on, after the
sequence and picture parameter sets seen before it: a stream that starts without an IDR
picture, decodable from that recovery point.
"""

import sys


class Bits:
    """An RBSP under construction, most significant bit first."""

    def __init__(self):
        self.out = bytearray()
        self.cur = 0
        self.n = 0

    def u(self, bits, value):
        for i in range(bits - 1, -1, -1):
            self.cur = (self.cur << 1) | ((value >> i) & 1)
            self.n += 1
            if self.n == 8:
                self.out.append(self.cur)
                self.cur = 0
                self.n = 0

    def ue(self, value):
        code = value + 1
        length = code.bit_length()
        self.u(length - 1, 0)
        self.u(length, code)

    def se(self, value):
        self.ue(2 * value - 1 if value > 0 else -2 * value)

    def align_zero(self):
        while self.n:
            self.u(1, 0)

    def raw(self, data):
        assert self.n == 0
        self.out += data

    def trailing(self):
        self.u(1, 1)
        self.align_zero()
        return bytes(self.out)


def nal(ref_idc, kind, rbsp):
    """One Annex-B NAL unit: start code, header, the RBSP with emulation prevention."""
    body = bytearray([(ref_idc << 5) | kind])
    zeros = 0
    for b in rbsp:
        if zeros >= 2 and b <= 3:
            body.append(3)
            zeros = 0
        body.append(b)
        zeros = zeros + 1 if b == 0 else 0
    return b"\x00\x00\x00\x01" + bytes(body)


LOG2_FRAME_NUM = 4
LOG2_POC_LSB = 8


def sps(profile, level, sps_id, mbs_w, map_units_h, frame_mbs_only, refs):
    b = Bits()
    b.u(8, profile)
    b.u(8, 0)  # constraint flags
    b.u(8, level)
    b.ue(sps_id)
    b.ue(LOG2_FRAME_NUM - 4)
    b.ue(0)  # pic_order_cnt_type
    b.ue(LOG2_POC_LSB - 4)
    b.ue(refs)  # max_num_ref_frames
    b.u(1, 0)  # gaps_in_frame_num_value_allowed_flag
    b.ue(mbs_w - 1)
    b.ue(map_units_h - 1)
    b.u(1, frame_mbs_only)
    if not frame_mbs_only:
        b.u(1, 0)  # mb_adaptive_frame_field_flag: PAFF only
    b.u(1, 1)  # direct_8x8_inference_flag
    b.u(1, 0)  # frame_cropping_flag
    b.u(1, 0)  # vui_parameters_present_flag
    return nal(3, 7, b.trailing())


def pps(pps_id, sps_id):
    b = Bits()
    b.ue(pps_id)
    b.ue(sps_id)
    b.u(1, 0)  # entropy_coding_mode_flag: CAVLC
    b.u(1, 0)  # bottom_field_pic_order_in_frame_present_flag
    b.ue(0)  # num_slice_groups_minus1
    b.ue(0)  # num_ref_idx_l0_default_active_minus1
    b.ue(0)  # num_ref_idx_l1_default_active_minus1
    b.u(1, 0)  # weighted_pred_flag
    b.u(2, 0)  # weighted_bipred_idc
    b.se(0)  # pic_init_qp_minus26
    b.se(0)  # pic_init_qs_minus26
    b.se(0)  # chroma_qp_index_offset
    b.u(1, 1)  # deblocking_filter_control_present_flag
    b.u(1, 0)  # constrained_intra_pred_flag
    b.u(1, 0)  # redundant_pic_cnt_present_flag
    return nal(3, 8, b.trailing())


class Picture:
    """One coded picture (a frame or a field) and how it is marked and referenced."""

    def __init__(self, frame_num, poc, intra, idr=False, field=None):
        self.frame_num = frame_num
        self.poc = poc
        self.intra = intra
        self.idr = idr
        self.field = field  # None (a frame), 0 (top field) or 1 (bottom field)
        self.modifications = []  # (modification_of_pic_nums_idc, value)
        self.long_term = False  # an IDR marked long-term
        self.mmco = None  # None: sliding window; else [(op, args...)]
        self.pcm = set()  # macroblocks of a P picture coded as PCM


def slice_nal(pic, frame_mbs_only, mbs, samples):
    """The single slice of `pic`; `samples(mb)` gives a PCM macroblock's 384 bytes."""
    b = Bits()
    b.ue(0)  # first_mb_in_slice
    b.ue(7 if pic.intra else 5)  # I or P, every slice of the picture alike
    b.ue(0)  # pic_parameter_set_id
    b.u(LOG2_FRAME_NUM, pic.frame_num % (1 << LOG2_FRAME_NUM))
    if not frame_mbs_only:
        b.u(1, pic.field is not None)
        if pic.field is not None:
            b.u(1, pic.field)
    if pic.idr:
        b.ue(0)  # idr_pic_id
    b.u(LOG2_POC_LSB, pic.poc % (1 << LOG2_POC_LSB))
    if not pic.intra:
        b.u(1, 0)  # num_ref_idx_active_override_flag
        b.u(1, bool(pic.modifications))
        for idc, value in pic.modifications:
            b.ue(idc)
            b.ue(value)
        if pic.modifications:
            b.ue(3)
    if pic.idr:
        b.u(1, 0)  # no_output_of_prior_pics_flag
        b.u(1, pic.long_term)
    else:
        b.u(1, pic.mmco is not None)
        for op in pic.mmco or []:
            for v in op:
                b.ue(v)
        if pic.mmco is not None:
            b.ue(0)
    b.se(0)  # slice_qp_delta
    b.ue(0)  # disable_deblocking_filter_idc: filter on
    b.se(0)  # slice_alpha_c0_offset_div2
    b.se(0)  # slice_beta_offset_div2
    skipped = 0
    for mb in range(mbs):
        if pic.intra or mb in pic.pcm:
            if not pic.intra:
                b.ue(skipped)
                skipped = 0
            b.ue(25 if pic.intra else 30)  # I_PCM
            b.align_zero()
            b.raw(samples(mb))
        else:
            skipped += 1
    if skipped:
        b.ue(skipped)
    kind = 5 if pic.idr else 1
    return nal(2, kind, b.trailing())


def read_frames(path, width, height):
    size = width * height * 3 // 2
    data = open(path, "rb").read()
    return [data[i : i + size] for i in range(0, len(data) - size + 1, size)]


def pcm_samples(frame, width, height, mb, mbs_w, field):
    """The 384 PCM bytes of macroblock `mb` of `frame` (or of one field of it)."""
    step = 1 if field is None else 2
    first = 0 if field is None else field
    mx, my = mb % mbs_w, mb // mbs_w
    out = bytearray()
    planes = [(0, width, 16), (width * height, width // 2, 8), (width * height * 5 // 4, width // 2, 8)]
    for offset, stride, n in planes:
        for row in range(n):
            line = first + (my * n + row) * step
            start = offset + line * stride + mx * n
            out += frame[start : start + n]
    return bytes(out)


def ltr_pictures(count, mbs):
    """The progressive sequence: which pictures are long-term, who references whom."""
    pics = []
    # 0: IDR marked long-term (index 0).
    p = Picture(0, 0, True, idr=True)
    p.long_term = True
    pics.append(p)
    # 1: I, long-term indices up to 1, made long-term index 1 (operations 4 and 6).
    p = Picture(1, 2, True)
    p.mmco = [(4, 2), (6, 1)]
    pics.append(p)
    # 2: I, short-term.
    pics.append(Picture(2, 4, True))
    # 3: P copying long-term 0 (the IDR), PCM on the diagonal.
    p = Picture(3, 6, False)
    p.modifications = [(2, 0)]
    pics.append(p)
    # 4: P copying long-term 1; unmarks long-term 0 and short-term picture 2 (ops 2, 1).
    p = Picture(4, 8, False)
    p.modifications = [(2, 1)]
    p.mmco = [(2, 0), (1, 1)]
    pics.append(p)
    # 5: P copying picture 3 (a short-term picture two back: abs_diff_pic_num 2).
    p = Picture(5, 10, False)
    p.modifications = [(0, 1)]
    pics.append(p)
    # 6: P copying long-term 1; picture 3 becomes long-term index 0 (op 3) and picture 4
    # is unmarked (op 1), so four references remain.
    p = Picture(6, 12, False)
    p.modifications = [(2, 1)]
    p.mmco = [(3, 2, 0), (1, 1)]
    pics.append(p)
    # 7: P copying long-term 0 (picture 3); then every reference is dropped (op 5).
    p = Picture(7, 14, False)
    p.modifications = [(2, 0)]
    p.mmco = [(5,)]
    pics.append(p)
    # After operation 5 frame numbers and picture order counts start again.
    p = Picture(1, 2, False)
    pics.append(p)
    frame_num, poc = 2, 4
    while len(pics) < count:
        pics.append(Picture(frame_num, poc, frame_num % 4 == 0))
        frame_num, poc = frame_num + 1, poc + 2
    for i, p in enumerate(pics):
        if not p.intra:
            p.pcm = {mb for mb in range(mbs) if (mb + i) % 7 == 0}
    return pics


def field_pictures(count, mbs):
    """The PAFF sequence: (frame index, picture) for two fields per frame."""
    out = []
    for f in range(count):
        intra = f % 4 == 0
        top = Picture(f, 4 * f, intra, idr=(f == 0), field=0)
        # The second field of an IDR frame is an ordinary reference field.
        bottom = Picture(f, 4 * f + 1, intra and f != 0, field=1)
        if f == 0:
            bottom.intra = False  # copies the top field (opposite parity)
        elif not intra and f % 2 == 1:
            # The bottom field copies the top field of its own frame: the opposite
            # parity, picture number 2 * frame_num (CurrPicNum - 1).
            bottom.modifications = [(0, 0)]
        if not intra:
            top.pcm = {mb for mb in range(mbs) if (mb + f) % 5 == 0}
        if not bottom.intra:
            bottom.pcm = {mb for mb in range(mbs) if (mb + f) % 6 == 1}
        out += [(f, top), (f, bottom)]
    return out


def nal_units(stream):
    """The NAL units of an Annex-B stream, start codes included, in order."""
    starts = []
    i = stream.find(b"\x00\x00\x01")
    while i >= 0:
        starts.append(i - 1 if i > 0 and stream[i - 1] == 0 else i)
        i = stream.find(b"\x00\x00\x01", i + 3)
    return [stream[a:b] for a, b in zip(starts, starts[1:] + [len(stream)])]


def nal_type(unit):
    return unit[unit.index(b"\x00\x00\x01") + 3] & 0x1F


def sei_types(unit):
    """The payload types of the messages of an SEI NAL unit."""
    body = unit[unit.index(b"\x00\x00\x01") + 4 :].replace(b"\x00\x00\x03", b"\x00\x00")
    types, i = [], 0
    while i < len(body) and body[i] != 0x80:
        value = [0, 0]
        for k in range(2):
            while body[i] == 0xFF:
                value[k] += 255
                i += 1
            value[k] += body[i]
            i += 1
        types.append(value[0])
        i += value[1]
    return types


def cut(source, dest, nth):
    units = nal_units(open(source, "rb").read())
    headers = {}
    seen = 0
    for i, unit in enumerate(units):
        kind = nal_type(unit)
        if kind in (7, 8):
            headers[kind] = unit
        if kind == 6 and 6 in sei_types(unit):
            seen += 1
            if seen == nth:
                start = max(j for j in range(i + 1) if nal_type(units[j]) == 9)
                # The parameter sets go after the delimiter, unless the unit repeats them.
                own = {nal_type(u) for u in units[start + 1 : i]}
                missing = b"".join(headers[k] for k in (7, 8) if k not in own)
                open(dest, "wb").write(units[start] + missing + b"".join(units[start + 1 :]))
                return
    sys.exit(f"{source}: fewer than {nth} recovery points")


def main():
    if sys.argv[1] == "cut":
        cut(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    kind, width, height, source, dest = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5]
    frames = read_frames(source, width, height)
    mbs_w = width // 16
    stream = bytearray()
    if kind == "ltr":
        mbs = mbs_w * (height // 16)
        stream += sps(66, 30, 0, mbs_w, height // 16, 1, 4) + pps(0, 0)
        for i, pic in enumerate(ltr_pictures(len(frames), mbs)):
            frame = frames[i]
            stream += slice_nal(pic, 1, mbs, lambda mb: pcm_samples(frame, width, height, mb, mbs_w, None))
    elif kind == "fields":
        mbs = mbs_w * (height // 32)
        stream += sps(77, 30, 0, mbs_w, height // 32, 0, 4) + pps(0, 0)
        for f, pic in field_pictures(len(frames), mbs):
            frame = frames[f]
            stream += slice_nal(pic, 0, mbs, lambda mb: pcm_samples(frame, width, height, mb, mbs_w, pic.field))
    else:
        sys.exit(f"unknown kind {kind}")
    open(dest, "wb").write(stream)


if __name__ == "__main__":
    main()
