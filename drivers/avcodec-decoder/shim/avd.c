/*
 * A flat C interface over libavcodec's decoding API, so that the Rust driver never
 * depends on the layout of AVCodecContext, AVCodecParserContext, AVPacket or AVFrame:
 * it sees an opaque decoder, an opaque picture, and plain integers and pointers.
 *
 * Every function returns a non-negative value on success and a negative AVERROR code
 * (a negated errno for the system errors) on failure, unless documented otherwise.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>
#include <libavutil/log.h>
#include <libavutil/pixdesc.h>

#include "avd.h"

struct avd {
    AVCodecContext *ctx;
    AVCodecParserContext *parser;
    AVPacket *pkt;
    enum AVCodecID id;
    int64_t fed; /* bytes given to avd_parse without a parser */
};

static enum AVCodecID codec_id(int codec)
{
    switch (codec) {
    case AVD_CODEC_H264: return AV_CODEC_ID_H264;
    case AVD_CODEC_HEVC: return AV_CODEC_ID_HEVC;
    case AVD_CODEC_VP9: return AV_CODEC_ID_VP9;
    default: return AV_CODEC_ID_NONE;
    }
}

void avd_close(struct avd *d)
{
    if (!d)
        return;
    av_parser_close(d->parser);
    av_packet_free(&d->pkt);
    avcodec_free_context(&d->ctx);
    av_free(d);
}

static int open_parser(struct avd *d)
{
    if (d->id == AV_CODEC_ID_VP9)
        return 0; /* whole frames arrive one per buffer: no parser */
    d->parser = av_parser_init(d->id);
    if (!d->parser)
        return AVERROR(ENOMEM);
    return 0;
}

static struct avd *open_decoder(int codec, int probe)
{
    enum AVCodecID id = codec_id(codec);
    const AVCodec *dec = id == AV_CODEC_ID_NONE ? NULL : avcodec_find_decoder(id);
    struct avd *d;

    if (!dec)
        return NULL;
    d = av_mallocz(sizeof(*d));
    if (!d)
        return NULL;
    d->id = id;
    d->ctx = avcodec_alloc_context3(dec);
    d->pkt = av_packet_alloc();
    if (!d->ctx || !d->pkt || open_parser(d) < 0)
        goto fail;
    /* The driver applies the crop through the COMPOSE rectangle: pictures keep their
     * whole decoded area. One thread: output order and error handling are those of the
     * reference single-threaded decode. */
    d->ctx->apply_cropping = 0;
    d->ctx->thread_count = 1;
    /* The decoder runs inside the application's process (a preloaded library): its
     * messages about damaged input would land on the application's stderr. Shift them
     * below every level an application enables. */
    d->ctx->log_level_offset = AV_LOG_TRACE + AV_LOG_TRACE;
    if (probe) {
        /* Only the geometry of its pictures counts: no concealment, deblocking or
         * residual. */
        d->ctx->error_concealment = 0;
        d->ctx->skip_loop_filter = AVDISCARD_ALL;
        d->ctx->skip_idct = AVDISCARD_ALL;
    }
    if (avcodec_open2(d->ctx, dec, NULL) < 0)
        goto fail;
    return d;
fail:
    avd_close(d);
    return NULL;
}

struct avd *avd_open(int codec)
{
    return open_decoder(codec, 0);
}

struct avd *avd_open_probe(int codec)
{
    return open_decoder(codec, 1);
}

int avd_parse(struct avd *d, const uint8_t *in, int in_len, const uint8_t **out, int *out_len,
              int64_t *out_offset)
{
    int used;

    *out = NULL;
    *out_len = 0;
    *out_offset = 0;
    if (!d->parser) {
        /* No parser (VP9): every buffer is one frame. */
        *out = in;
        *out_len = in_len;
        *out_offset = d->fed;
        d->fed += in_len;
        return in_len;
    }
    used = av_parser_parse2(d->parser, d->ctx, (uint8_t **)out, out_len, in, in_len,
                            AV_NOPTS_VALUE, AV_NOPTS_VALUE, 0);
    if (*out_len > 0)
        *out_offset = d->parser->frame_offset;
    return used;
}

int avd_send(struct avd *d, const uint8_t *data, int len, int64_t pts)
{
    int ret;

    if (!data || len <= 0)
        return avcodec_send_packet(d->ctx, NULL);
    av_packet_unref(d->pkt);
    ret = av_new_packet(d->pkt, len);
    if (ret < 0)
        return ret;
    memcpy(d->pkt->data, data, (size_t)len);
    d->pkt->pts = pts;
    d->pkt->dts = AV_NOPTS_VALUE;
    ret = avcodec_send_packet(d->ctx, d->pkt);
    av_packet_unref(d->pkt);
    return ret;
}

static int picture_format(int fmt)
{
    switch (fmt) {
    case AV_PIX_FMT_YUV420P:
    case AV_PIX_FMT_YUVJ420P:
        return AVD_FORMAT_YUV420;
    case AV_PIX_FMT_YUV420P10LE:
        return AVD_FORMAT_YUV420P10;
    case AV_PIX_FMT_YUV422P:
    case AV_PIX_FMT_YUVJ422P:
        return AVD_FORMAT_YUV422;
    default:
        return AVD_FORMAT_OTHER;
    }
}

int avd_receive(struct avd *d, struct avd_picture **picture, struct avd_picture_info *info)
{
    AVFrame *f = av_frame_alloc();
    int ret;

    *picture = NULL;
    if (!f)
        return AVERROR(ENOMEM);
    ret = avcodec_receive_frame(d->ctx, f);
    if (ret < 0) {
        av_frame_free(&f);
        if (ret == AVERROR(EAGAIN))
            return AVD_AGAIN;
        if (ret == AVERROR_EOF)
            return AVD_EOF;
        return ret;
    }
    memset(info, 0, sizeof(*info));
    info->width = f->width;
    info->height = f->height;
    info->crop_left = (uint32_t)f->crop_left;
    info->crop_top = (uint32_t)f->crop_top;
    info->crop_right = (uint32_t)f->crop_right;
    info->crop_bottom = (uint32_t)f->crop_bottom;
    info->format = picture_format(f->format);
    info->pts = f->pts;
    info->key = f->key_frame;
    info->corrupt = (f->flags & AV_FRAME_FLAG_CORRUPT) || f->decode_error_flags;
    *picture = (struct avd_picture *)f;
    return 0;
}

void avd_stream_info(const struct avd *d, struct avd_stream_info *info)
{
    memset(info, 0, sizeof(*info));
    info->coded_width = d->ctx->coded_width;
    info->coded_height = d->ctx->coded_height;
    info->refs = d->ctx->refs;
    info->reorder = d->ctx->has_b_frames;
}

int avd_flush(struct avd *d)
{
    avcodec_flush_buffers(d->ctx);
    d->fed = 0;
    av_parser_close(d->parser);
    d->parser = NULL;
    return open_parser(d);
}

/* How a picture's samples are laid out: bytes per sample (1, or 2 for 10-bit) and the
 * chroma subsampling of its format. */
struct layout {
    int sample;
    int chroma_rows_shift;
};

static int layout_of(const AVFrame *f, struct layout *l)
{
    switch (picture_format(f->format)) {
    case AVD_FORMAT_YUV420: *l = (struct layout){ 1, 1 }; return 0;
    case AVD_FORMAT_YUV420P10: *l = (struct layout){ 2, 1 }; return 0;
    case AVD_FORMAT_YUV422: *l = (struct layout){ 1, 0 }; return 0;
    default: return -1;
    }
}

/* Stores sample x of the source line src as sample i of line: a byte, or (10-bit) a
 * 16-bit little-endian word holding the value in its top bits. */
static inline void put_sample(uint8_t *line, int i, int sample, const uint8_t *src, int x)
{
    uint16_t v;

    if (sample == 1) {
        line[i] = src[x];
        return;
    }
    memcpy(&v, src + 2 * (size_t)x, sizeof(v)); /* libavcodec's native-endian word */
    v = (uint16_t)(v << 6);
    line[2 * i] = (uint8_t)v;
    line[2 * i + 1] = (uint8_t)(v >> 8);
}

/* Whether rows lines of width bytes at stride fit in len bytes. */
static int fits(int stride, size_t len, size_t width, int rows)
{
    return stride >= 0 && (size_t)stride >= width && (size_t)stride * (size_t)(rows - 1) + width <= len;
}

static int copy_plane(uint8_t *dst, int dst_stride, size_t dst_len, const uint8_t *src, int src_stride,
                      int width, int rows, int sample)
{
    if (width <= 0 || rows <= 0)
        return 0;
    if (!fits(dst_stride, dst_len, (size_t)width * (size_t)sample, rows))
        return -1;
    for (int r = 0; r < rows; r++) {
        uint8_t *line = dst + (size_t)r * (size_t)dst_stride;
        const uint8_t *in = src + (ptrdiff_t)r * src_stride;
        if (sample == 1) {
            memcpy(line, in, (size_t)width);
            continue;
        }
        for (int x = 0; x < width; x++)
            put_sample(line, x, sample, in, x);
    }
    return 0;
}

static int interleave_plane(uint8_t *dst, int dst_stride, size_t dst_len, const uint8_t *u, int u_stride,
                            const uint8_t *v, int v_stride, int width, int rows, int sample)
{
    if (width <= 0 || rows <= 0)
        return 0;
    if (!fits(dst_stride, dst_len, 2 * (size_t)width * (size_t)sample, rows))
        return -1;
    for (int r = 0; r < rows; r++) {
        uint8_t *line = dst + (size_t)r * (size_t)dst_stride;
        const uint8_t *ur = u + (ptrdiff_t)r * u_stride;
        const uint8_t *vr = v + (ptrdiff_t)r * v_stride;
        for (int x = 0; x < width; x++) {
            put_sample(line, 2 * x, sample, ur, x);
            put_sample(line, 2 * x + 1, sample, vr, x);
        }
    }
    return 0;
}

int avd_picture_copy(const struct avd_picture *picture, int component, uint8_t *dst, int stride,
                     size_t len)
{
    const AVFrame *f = (const AVFrame *)picture;
    struct layout l;
    int cw, ch, ret;

    if (layout_of(f, &l) < 0)
        return AVERROR(EINVAL);
    cw = (f->width + 1) / 2;
    ch = (f->height + (1 << l.chroma_rows_shift) - 1) >> l.chroma_rows_shift;
    switch (component) {
    case AVD_COMPONENT_Y:
        ret = copy_plane(dst, stride, len, f->data[0], f->linesize[0], f->width, f->height, l.sample);
        break;
    case AVD_COMPONENT_U:
    case AVD_COMPONENT_V:
        ret = copy_plane(dst, stride, len, f->data[component], f->linesize[component], cw, ch, l.sample);
        break;
    case AVD_COMPONENT_UV:
        ret = interleave_plane(dst, stride, len, f->data[1], f->linesize[1], f->data[2], f->linesize[2], cw,
                               ch, l.sample);
        break;
    default:
        return AVERROR(EINVAL);
    }
    return ret < 0 ? AVERROR(ENOSPC) : 0;
}

void avd_picture_free(struct avd_picture *picture)
{
    AVFrame *f = (AVFrame *)picture;

    av_frame_free(&f);
}
