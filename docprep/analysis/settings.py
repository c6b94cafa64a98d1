"""The settings schemas of the analysis modules, apart from them: a rule family declares each in its SETTINGS,
and the profile is read and validated from it, so importing a schema must not import what the measurement needs
(NumPy, OpenCV, PDFium). A run whose every result is cached reads the profile and decodes nothing."""
from __future__ import annotations

from ..profiles.schema import Setting


# [pdf.marks]: what red ink, a seal, the verification words and their date are (analysis.marks)
MARKS = {
    "red_hue_low": Setting("range", "red hues at the bottom of OpenCV's 0-179 hue circle", 0, 179),
    "red_hue_high": Setting("range", "red hues at the top of the hue circle (red wraps round)", 0, 179),
    "red_min_saturation": Setting("int", "least saturation (0-255) of red ink; faded seals are pale", 0, 255),
    "red_min_value": Setting("int", "least brightness (0-255) of red ink; darker is black text", 0, 255),
    "red_fringe_mm": Setting("float", "blurred edge of red ink whitened with it before reading words, mm", 0, 2),
    "red_keep_under": Setting("int", "red-ink pixels darker than the red ink's own median by this many grey levels "
                              "(red channel) are a stroke under it and kept when the red is removed", 0, 255),
    "ring_keep_under": Setting("int", "on a grey scan, ink inside a seal's ring darker than the ring's own ink by this "
                               "many grey levels is a stroke under the seal and kept when the seal's ink is removed "
                               "before reading", 0, 255),
    "seal_dpi": Setting("int", "resolution at which seals are measured", 30, 600),
    "seal_diameter_mm": Setting("range", "seal size in mm (longest axis)", 1, 300),
    "seal_cell_ink": Setting("int", "a shrunk mask cell counts as ink above this (0-255 share inked)", 0, 254),
    "seal_join_mm": Setting("range", "ink gaps bridged before tracing outlines (both tried; the wider joins a "
                            "faded seal's pieces), mm", 0, 30),
    "seal_ring_join_mm": Setting("float", "ink gaps bridged when following the ring, mm", 0, 10),
    "seal_max_aspect": Setting("float", "longest over shortest axis of a round or oval seal", 1, 5),
    "seal_square_max_aspect": Setting("float", "longest over shortest side of a square seal", 1, 5),
    "seal_round_max_aspect": Setting("float", "axes ratio up to which an ellipse is called round", 1, 5),
    "seal_min_fit": Setting("float", "least overlap (IoU) of the outline with its ellipse or rectangle", 0, 1),
    "seal_min_ring": Setting("float", "least share of the visible outline inked", 0, 1),
    "seal_ring_band": Setting("float", "outer band searched for the ring, share of the half-size", 0.01, 0.5),
    "seal_min_visible": Setting("float", "least share of a seal's outline inside the page", 0, 1),
    "seal_min_inner_ink": Setting("float", "least red share inside the ring", 0, 1),
    "seal_min_ring_contrast": Setting("float", "least red share of the rim band over the red share inside", 0, 100),
    "seal_max_ring_contrast": Setting("float", "greatest red share of the rim band over the red share inside", 0, 1000),
    "paper_white_percentile": Setting("float", "brightness percentile of each colour channel taken as the paper's "
                                      "level when a colour cast is evened out before red is judged", 50, 100),
    "paper_white_max_gain": Setting("float", "greatest factor by which one colour channel is raised to make the "
                                    "paper white", 1, 4),
    "seal_line_mm": Setting("float", "straight red runs this long or longer (rules, borders, a header rule) are "
                            "taken out before seals are traced, mm", 1, 1000),
    "seal_line_chroma": Setting("int", "ink whose red channel exceeds both others by this much (0-255) is warm: "
                                "red or brown lines are looked for in it", 1, 255),
    "seal_min_arc": Setting("float", "least share of an ellipse's rim traced by the outline of a red shape that "
                            "is not one seal (touching seals, a seal on a red title) to be tried as a seal", 0, 1),
    "seal_arc_tolerance": Setting("float", "outline points this close to an ellipse trace it, share of its "
                                  "radius", 0, 1),
    "seal_arc_min_mm": Setting("float", "least longest axis of a seal found by the arcs of a larger red shape, mm",
                               1, 300),
    "seal_arc_min_ring": Setting("float", "least share of the visible outline inked, for a seal found by the arcs of "
                                 "a larger red shape", 0, 1),
    "seal_circle_dpi": Setting("int", "resolution at which a red shape holding no seal (a seal over a red title), or "
                               "the ink of a grey scan, is searched for a round seal's circle", 20, 300),
    "seal_circle_votes": Setting("float", "least votes for a circle in that search (the Hough accumulator "
                                 "threshold: lower finds fainter rings and tries more circles)", 1, 1000),
    "seal_min_trace": Setting("float", "least share of directions round a round or oval red seal in which one "
                              "ellipse along its rim is inked, over that share on the emptiest just inside it (a "
                              "word stamp joined to a date stamp is inked alike on all)", 0, 1),
    "seal_oval_min_mm": Setting("float", "least shortest axis of an oval seal (or ring on a grey scan), mm: a word "
                                "stamp's oval frame is narrower", 0, 300),
    "seal_words_max_share": Setting("float", "a seal whose box the verification words' box covers by more than this "
                                    "share of its area is the frame of the words' own red stamp, not a seal", 0, 1),
    "ring_ink_contrast": Setting("int", "grey levels below the paper counted as ink when a grey scan is searched "
                                 "for a seal's ring", 1, 255),
    "ring_diameter_mm": Setting("range", "size of a seal's ring on a grey scan in mm (longest axis): unit seals",
                                1, 300),
    "ring_join_mm": Setting("float", "ink gaps bridged before tracing outlines on a grey scan, tried before the "
                            "two of seal_join_mm (text is ink there too: a narrow join keeps it apart), mm", 0, 30),
    "ring_min_ring": Setting("float", "least share of a ring's visible outline inked on a grey scan", 0, 1),
    "ring_min_contrast": Setting("float", "least ink share of a ring's rim band over the ink share inside it on a "
                                 "grey scan (text under the seal is ink there too)", 0, 100),
    "ring_min_arc": Setting("float", "least share of a ring's rim traced by the outline of an ink shape on a grey "
                            "scan", 0, 1),
    "ring_min_trace": Setting("float", "least share of directions round a ring in which one ellipse along its rim "
                              "is inked, over that share on the emptiest ellipse just inside it (text crossed by "
                              "circles is inked alike on all)", 0, 1),
    "ring_oval_squeeze": Setting("range", "on a grey scan where no ring's outline is traced, the ink is also "
                                 "searched for circles squeezed across and along by each end of this range (an "
                                 "oval seal is then nearly round)", 0.1, 1),
    "ring_arc_min_mm": Setting("float", "in that search, ink shapes smaller than this across (lines of text) are left "
                               "out: a ring's arcs, even broken, are longer, mm", 0, 300),
    "ring_arc_offset_mm": Setting("float", "a ring fitted to the ink's arcs on a grey scan is inked in a direction "
                                  "where ink lies on it and the paper this far outside and inside it is bare (text "
                                  "crossing it is inked there too), mm", 0, 30),
    "ring_arc_beside_mm": Setting("float", "that share inked is compared with the same share on the ellipses this "
                                  "far outside and inside the ring, mm", 0, 30),
    "ring_arc_min_trace": Setting("float", "least share of directions in which a ring fitted to the ink's arcs is "
                                  "inked, over the larger of those shares beside it", 0, 1),
    "phrases": Setting("str-list", "verification words and their variants (none: no copy could ever pass)",
                       min_items=1),
    "min_match": Setting("float", "least similarity of read text to a phrase (1 = exact)", 0, 1),
    "words_under_seal_min_chars": Setting("int", "red words that stop at a seal's edge (running on under its ring "
                                          "and text) are matched on the characters read before or after it, when "
                                          "at least this many were read", 1, 20),
    "words_crossed_min_chars": Setting("int", "words on a red line that a seal crosses, or on a grey or one-bit "
                                       "scan on a line that a seal's ring crosses, are matched when at least this "
                                       "many characters of the phrase were read (the seal's ring, arc text and star "
                                       "hide the rest, each at words_under_seal_cost)", 1, 20),
    "words_under_seal_cost": Setting("float", "on red lines that a seal crosses (red over red), and on a grey or "
                                     "one-bit scan lines that a seal's ring crosses, a character of the "
                                     "words read as another or not read at all costs this share of an edit (the "
                                     "seal's ink hides it); at least words_crossed_min_chars must be read", 0, 1),
    "red_words_line_mm": Setting("float", "red words that a seal crosses are looked for round the densest row of red "
                                 "ink, averaged over this height, mm (a stamp's characters are 4.5-6.5 mm)", 0.5, 50),
    "red_words_band_mm": Setting("float", "height of the band round that row read alone for those words, mm", 1, 100),
    "red_words_band_more_mm": Setting("range", "heights of two more bands round that row read where the first does "
                                      "not show the words; a character read in any of the bands counts, mm", 1, 100),
    "ocr_dpi": Setting("int", "resolution at which regions are read", 72, 400),
    "ocr_near_seal_mm": Setting("float", "margin round a seal read for the words, mm", 0, 200),
    "ocr_near_seal_share": Setting("float", "the regions round the seals take together at most this share of the "
                                   "OCR budget (ocr_max_page_share): the rest is left for the ink blocks", 0.05, 1),
    "ocr_block_dpi": Setting("int", "resolution at which ink blocks are found", 20, 300),
    "ocr_ink_contrast": Setting("int", "grey levels below the paper counted as ink for blocks", 1, 255),
    "ocr_block_join_mm": Setting("float", "ink this close joins into one block, mm", 0, 100),
    "ocr_rule_mm": Setting("float", "straight ink runs this long (a frame, a table's rules) are left out when "
                           "ink blocks are found, mm", 5, 1000),
    "ocr_rule_width_mm": Setting("float", "...when they are at most this wide, mm (a row of print is as wide as its "
                                 "characters are high)", 0, 20),
    "ocr_block_min_mm": Setting("float", "smallest block read, mm", 0, 100),
    "ocr_block_pad_mm": Setting("float", "margin round an ink block read for the words, mm", 0, 50),
    "ocr_trim_contrast": Setting("int", "grey levels below the paper counted as ink when a region's blank margins "
                                 "are left out before it is read (the reader's cost grows with the area); 0: every "
                                 "region is read whole", 0, 255),
    "ocr_trim_margin_mm": Setting("float", "paper kept round the ink of a region given to the reader, mm (with less, "
                                  "the detector more often takes close lines for one)", 0, 300),
    "ocr_max_blocks": Setting("int", "pages with more ink blocks are read whole, in bands", 0, 100),
    "ocr_band_mm": Setting("float", "height of the bands in which the whole page is read, mm", 20, 1000),
    "ocr_box_threshold": Setting("float", "least detector confidence of a text line", 0, 1),
    "ocr_min_score": Setting("float", "least recogniser confidence of a read line", 0, 1),
    "ocr_threads": Setting("int", "onnxruntime threads per process (0 = its choice)", 0, 64),
    "ocr_max_page_share": Setting("float", "OCR reads at most this share of a page's area (a region that would "
                                  "pass it is skipped for a smaller one)", 0, 1),
    "date_near_mm": Setting("float", "greatest gap between the words and their date, mm", 0, 300),
    "ring_band_mm": Setting("float", "on a grey or one-bit scan where the words or their date were not found, each "
                            "row of pieces read across a seal's ring is read again alone in a band this high, mm "
                            "(the seal's arc text above and below cut off)", 1, 100),
    "date_under_seal_min_chars": Setting("int", "on a grey or one-bit scan, a date on a line that a seal's ring "
                                         "crosses (its ink as dark as the pen's, hiding digits) is taken when a year, "
                                         "a date's mark after it (年, 月, a separator) and at least this many date "
                                         "characters in all were read; its value is then unknown", 1, 20),
    "signature_near_mm": Setting("float", "greatest gap between the words and the verifier's signature, mm", 0, 300),
    "signature_min_mm": Setting("float", "least size of the handwriting taken for a signature (specks, dots), mm",
                                0, 100),
    "signature_rule_mm": Setting("float", "straight strokes this long are rules or frames, not handwriting, mm",
                                 1, 100),
    "signature_max_name_chars": Setting("int", "read text beside the words (words, dates and labels left out) "
                                        "up to this many characters may be a signed name; longer is text", 0, 50),
    "signature_ring_under": Setting("int", "on a grey scan, ink inside a seal's ring is handwriting only where darker "
                                    "than the ring's own ink by this many grey levels (the seal's darker spots, kept "
                                    "for reading by ring_keep_under, are not)", 0, 255),
    "signature_labels": Setting("str-list", "labels written or printed before a signature (核对人：); never "
                                "a signature themselves"),
}


# [pdf.sheet]: a photographed sheet with a surround (analysis.sheet): the check, and fix's crop
SHEET = {
    "max_share": Setting("float", "a sheet covering at most this share of the frame leaves a surround (desk, fingers) "
                                  "round it: the page is a photograph of the sheet", min=0.1, max=1),
    "min_share": Setting("float", "a bright four-sided region smaller than this share of the frame is no sheet", min=0.01,
                         max=1),
    "min_border": Setting("float", "share of the frame's outer ring that must lie outside the sheet (a scan's margins "
                                   "are paper; a photo's are the desk)", min=0, max=1),
    "min_contrast": Setting("float", "grey levels (darkest channel) the paper must be brighter than its surround",
                            min=1, max=255),
    "min_edge_share": Setting("float", "share of a sheet's outline that must follow an edge of the picture at all (a "
                                       "region a threshold cut across uneven light follows almost none)", min=0, max=1),
    "light_desk_contrast": Setting("float", "a paper only this many grey levels brighter than its surround (a light "
                                            "desk) is a sheet too, when its outline follows the picture's edges "
                                            "(light_desk_edge_share)", min=1, max=255),
    "light_desk_edge_share": Setting("float", "share of a faint sheet's outline that must follow an edge of the "
                                              "picture (a sheet's own edge; a threshold across uneven light follows "
                                              "none)", min=0, max=1),
    "formats_mm": Setting("size-list", "paper formats a photographed sheet may be, [short, long] in mm, in order of "
                                       "preference (A4, A5 and B5 share one shape: the first listed is taken)"),
    "aspect_tolerance": Setting("float", "a sheet whose long/short ratio is within this share of a format's is that "
                                         "format; otherwise its own shape is kept and it is sized by [pdf.fix] paper_mm",
                                min=0, max=0.5),
    "white_point": Setting("float", "share of the evened paper level that becomes pure white when a photographed "
                                    "sheet is cleaned (lower: whiter paper, fainter light strokes)", min=0.5, max=1),
}


# [photo.document]: a picture of a document told from an ID photo (analysis.docimage)
DOCUMENT = {
    "name_words": Setting("str-list", "words that make a face-less picture a document by its file name (besides "
                          "the [pdf.kinds] name hints), e.g. 扫描, scan"),
    "paper_brightness": Setting("float", "grey level (0-255) a pixel of paper reaches at least", min=0, max=255),
    "paper_saturation": Setting("float", "colour saturation (0-255) a pixel of paper stays under", min=0, max=255),
    "min_paper_share": Setting("float", "share of the picture that is paper for a page", min=0, max=1),
    "ink_contrast": Setting("float", "grey levels below the local paper that count as ink", min=1, max=255),
    "mark_height": Setting("range", "height of a letter-sized mark, as a share of the picture's long side", min=0,
                           max=1),
    "min_text_marks": Setting("int", "letter-sized marks on paper that a page shows at least", min=1),
}


# [photo.face.verify]: which face candidates beside the largest are second persons (analysis.face)
FACE_VERIFY = {
    "clothing_below": Setting("float", "a candidate whose centre lies lower than the main face's top plus this many "
                              "face heights...", min=0, max=10),
    "clothing_half_width": Setting("float", "...and within this many face widths of its centre line is a pattern on "
                                   "the clothes, not a person", min=0, max=10),
    "min_size_ratio": Setting("float", "a candidate narrower than this share of the main face is a poster or a "
                              "picture behind, not a second person", min=0, max=1),
    "skin_cr": Setting("range", "skin tone: the YCrCb red-difference range", min=0, max=255),
    "skin_cb": Setting("range", "skin tone: the YCrCb blue-difference range", min=0, max=255),
    "min_skin_share": Setting("float", "share of a candidate's central area in the skin-tone ranges at least",
                              min=0, max=1),
    "need_eyes": Setting("bool", "a candidate counts only where two eyes are found in it"),
}


# [photo.fix.backdrop]: a plain backdrop of another colour made white (analysis.backdrop)
BACKDROP = {
    "white": Setting("int", "grey level of the new backdrop (255: white)", min=0, max=255),
    "border_share": Setting("float", "width of the border strips the backdrop is sampled from (top and both sides), "
                            "as a share of the picture's width", min=0.005, max=0.3),
    "noise_blur": Setting("float", "the strips are measured smoothed by a Gaussian of this many pixels (sensor noise "
                          "is not a busy wall); 0: not smoothed", min=0, max=20),
    "side_depth": Setting("float", "the side strips reach down to the face box's top plus this many face heights "
                          "(below, shoulders meet the sides)", min=0, max=5),
    "max_residual": Setting("float", "Lab colour distance (ΔE) of the border from the fitted smooth backdrop, at the "
                            "residual_share quantile, at most: above it the backdrop is a room, a street or a busy "
                            "wall and is not replaced", min=0),
    "residual_share": Setting("float", "the quantile of the border's distances that max_residual bounds (stray hair "
                              "in the strips is the rest)", min=0.1, max=1),
    "backdrop_distance": Setting("float", "ΔE from the fitted backdrop under which a pixel is taken as probably "
                                 "backdrop (and, in the border strips, as surely backdrop); above it, probably the "
                                 "person", min=0),
    "work_side": Setting("int", "long side in pixels of the copy GrabCut separates the person on (its time grows "
                         "with the pixels; the matte then refines the edge at full size)", min=32, max=4000),
    "iterations": Setting("int", "GrabCut iterations", min=1, max=20),
    "edge_band": Setting("float", "half-width of the band at the person's edge where the alpha matte is solved, "
                         "in face widths", min=0.005, max=0.5),
    "hair_reach": Setting("float", "beyond the band, out to this many face widths from the person, pixels that solve "
                          "as a mix of the person's colour and the backdrop are kept (stray hairs)", min=0, max=0.5),
    "min_separation": Setting("float", "RGB distance between the person's nearby colour and the backdrop under "
                              "which the matte is not solved from colour (the edge is only feathered)", min=0),
    "max_off_line": Setting("float", "RGB distance of a pixel at the edge from the line between the backdrop and the "
                            "person's nearby colour above which it is no mix of the two (another colour of the person "
                            "or a shadow): its edge is feathered, not solved", min=0),
    "alpha_floor": Setting("range", "solved alpha below the first value is backdrop, above the second the person "
                           "(JPEG noise in the backdrop and on the person)", min=0, max=1),
    "min_bottom_share": Setting("float", "share of the picture's bottom edge the person separated must cover (the "
                                "shoulders): less, and clothes of the backdrop's colour went with it; not replaced",
                                min=0, max=1),
    "max_hole_share": Setting("float", "backdrop-coloured areas enclosed by the person and smaller than this share "
                              "of the picture are taken as the person (no white patches in clothes)", min=0, max=1),
}
