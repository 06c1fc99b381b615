/*
 * The flat decoding interface the Rust driver calls (see avd.c). Only fixed-size
 * integers, pointers and the two structs below cross it; libavcodec's own structs stay
 * on the C side.
 */
#ifndef AVD_H
#define AVD_H

#include <stddef.h>
#include <stdint.h>

/* Codecs of avd_open. */
#define AVD_CODEC_H264 0
#define AVD_CODEC_HEVC 1
#define AVD_CODEC_VP9 2

/* Picture formats of avd_picture_info.format. */
#define AVD_FORMAT_YUV420 0    /* 8-bit 4:2:0, three planes */
#define AVD_FORMAT_OTHER 1     /* anything else (10-bit 4:2:2, 4:4:4, 12-bit...) */
#define AVD_FORMAT_YUV420P10 2 /* 10-bit 4:2:0, three planes of 16-bit samples */
#define AVD_FORMAT_YUV422 3    /* 8-bit 4:2:2, three planes */

/* Components of avd_picture_copy. */
#define AVD_COMPONENT_Y 0
#define AVD_COMPONENT_U 1
#define AVD_COMPONENT_V 2
#define AVD_COMPONENT_UV 3

/* Non-error results of avd_receive. */
#define AVD_AGAIN 1 /* more input needed */
#define AVD_EOF 2   /* drained: every picture was returned */

struct avd;
struct avd_picture;

struct avd_picture_info {
    int32_t width;  /* decoded size, crop not applied */
    int32_t height;
    uint32_t crop_left;
    uint32_t crop_top;
    uint32_t crop_right;
    uint32_t crop_bottom;
    int32_t format;
    int32_t key;
    int32_t corrupt; /* concealed or otherwise damaged */
    int64_t pts;
};

struct avd_stream_info {
    int32_t coded_width; /* 0 until a sequence header was decoded */
    int32_t coded_height;
    int32_t refs;    /* reference frames of the active sequence */
    int32_t reorder; /* pictures held back for display order */
};

/* A decoder of codec AVD_CODEC_*, or NULL (unknown codec, no memory). */
struct avd *avd_open(int codec);

/* A decoder of codec AVD_CODEC_* for finding the geometry of pictures only: their
 * samples may be wrong (no error concealment, deblocking or residual). */
struct avd *avd_open_probe(int codec);
void avd_close(struct avd *d);

/* Feeds in_len bytes (0: end of stream) to the frame splitter. Returns how many bytes it
 * took; when a whole frame is complete, *out and *out_len give it (valid until the next
 * call) and *out_offset is its first byte's offset in the stream. */
int avd_parse(struct avd *d, const uint8_t *in, int in_len, const uint8_t **out, int *out_len,
              int64_t *out_offset);

/* Decodes one frame of compressed data with timestamp pts; NULL/0 starts the drain. */
int avd_send(struct avd *d, const uint8_t *data, int len, int64_t pts);

/* The next picture in display order: 0 (picture and info set), AVD_AGAIN, AVD_EOF or an
 * error. */
int avd_receive(struct avd *d, struct avd_picture **picture, struct avd_picture_info *info);

/* What the active sequence needs, once a frame of it was sent. */
void avd_stream_info(const struct avd *d, struct avd_stream_info *info);

/* Drops every held picture and buffered byte (a seek, or the end of a drain); the
 * parameter sets already seen stay known. A failure leaves the decoder unusable. */
int avd_flush(struct avd *d);

/* Copies one component of the whole decoded area of a picture of any AVD_FORMAT_* but
 * AVD_FORMAT_OTHER into dst (line length stride, len bytes): AVD_COMPONENT_Y, _U, _V, or
 * _UV (U and V interleaved, as the second plane of NV12, NV16 and P010). 10-bit samples
 * are written as 16-bit little-endian words with the value in the top 10 bits (P010's
 * layout). A destination too small fails without writing past it. */
int avd_picture_copy(const struct avd_picture *picture, int component, uint8_t *dst, int stride,
                     size_t len);
void avd_picture_free(struct avd_picture *picture);

#endif
