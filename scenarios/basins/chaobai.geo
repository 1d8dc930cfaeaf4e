# Chaobai River upstream of Miyun Reservoir: geography for the built-in basin "chaobai".
# Format: scenarios/basins/README.md. Coordinates: WGS84 "LON LAT", decimal degrees.
#
# Sources, cited by tag in the notes below (what each gave):
#  [W-MY]    Wikipedia, "Miyun Reservoir": 40°29'N 116°59'E.
#  [ILEC]    ILEC World Lake Database, ASI-08 Miyun Reservoir: catchment 15,788 km2,
#            surface 188 km2.
#  [BJFS]    bjfs.org.cn, "The Miyun Watershed": 15,788 km2, capacity 4.375e9 m3.
#  [XH-2019] Xinhua 2019-06-01: total storage capacity 4.375e9 m3.
#  [FN-WB]   Fengning County Water Bureau, 2020-04-24, "丰宁潮河、滦河基本情况": the Chao
#            rises at Halahaiwan north of Huangqi town, flows via Luanping to Gubeikou and
#            Miyun Reservoir, 157 km.
#  [NT-BAI]  newton.com.tw encyclopaedia, "白河": rises on the Damaqun Shan south of Guyuan,
#            via Dushikou and Chicheng, enters Beijing at Baihebao, via Qingshiling into
#            Miyun, enters the reservoir near Zhangjiafen; 280 km; Hei, Tang join it.
#  [ZW-HEI]  zh.wikipedia, "黑河 (白河)": rises at Laozhanggou, Fengyuandian (Guyuan), via
#            Sandaochuan, Baicao, Dongwankou, Ciyingzi, Dongmao (Chicheng) into Qianjiadian
#            (Yanqing), joins the Bai east of Caimugou; 109.5 km, 1,660 km2.
#  [BJ-2021] Beijing government 2021-08-12, "燕山天池白河堡水库": Baihebao dam site at 560 m
#            elevation; 90.6e6 m3 capacity; controls 2,657 km2 below Yunzhou Reservoir.
#  [HB-2018] Xinhua / Hebei Daily 2018-11: the 2018-2020 agreement covers Guyuan, Chicheng
#            (Zhangjiakou), Fengning, Luanping, Xinglong (Chengde) upstream and Yanqing,
#            Huairou, Miyun downstream; pilot area about 16,000 km2.
#  [RM-2022] People's Daily 2022-08-31: border rivers monitored: Chao, Bai, Qingshui, and
#            from 2022 also Hei and Tang.
#  [HB-2024] Hebei Dept. of Ecology and Environment 2024-09-01: Bai rises in Guyuan, via
#            Chicheng, Yanqing, Huairou; Chao rises in Fengning, via Luanping, Miyun.
#  [DOMAIN]  /work/shared/DOMAIN.md, key-point table ("good to a few km at best").
# Confidence words: "verified" = the coordinate itself is in a source; "located" = the
# place is named in a source and positioned from memory of the map (a few km);
# "approximate" = positioned to fit the description only (5-15 km).
#
# The outline is drawn along the main divides from the sources' descriptions of where the
# rivers rise and which counties drain where; it is not digitised from a map. Its UTM area
# matches the published catchment (test_geo checks within 10%; see README.md for the
# number). Terrain is synthesized, so what matters is that the rivers, the reservoir and
# the border sections sit in the right places relative to each other and the borders.

wcsim-geo 1

basin chaobai name="Chaobai River upstream of Miyun Reservoir" crs=EPSG:32650 area_km2=15788 area_src="[ILEC] [BJFS] catchment controlled by Miyun Reservoir"

# ---------------------------------------------------------------------------------------
# Outline: the Miyun Reservoir catchment, traced clockwise from the dams.
outline miyun_catchment name="Miyun Reservoir catchment"
  116.98 40.45   # south of the reservoir's dams [W-MY], located
  116.86 40.46   # Bai River main dam area, located
  116.74 40.51   # divide with the Yanqi / Huai rivers (Huairou), approximate
  116.60 40.55   # approximate
  116.45 40.50   # Sihai area: divide with the Gui (Yanqing basin), approximate
  116.30 40.53   # approximate; shared with yongding.geo
  116.18 40.56   # south of Baihebao, approximate; shared with yongding.geo
  116.05 40.57   # approximate; shared with yongding.geo
  115.92 40.60   # approximate; shared with yongding.geo
  115.80 40.58   # Haituo Shan (Bai / Gui divide), located; shared with yongding.geo
  115.66 40.63   # approximate; shared with yongding.geo
  115.55 40.72   # divide with the Yang basin (Xuanhua, Chongli), approximate; shared
  115.47 40.85   # approximate; shared with yongding.geo
  115.43 41.00   # approximate; shared with yongding.geo
  115.45 41.15   # approximate; shared with yongding.geo (Bashang edge)
  115.50 41.30   # approximate
  115.55 41.44   # Damaqun Shan, south of Guyuan [NT-BAI], approximate
  115.66 41.54   # approximate
  115.80 41.56   # approximate
  115.93 41.55   # Fengyuandian, Hei source area [ZW-HEI], approximate
  116.08 41.50   # approximate
  116.22 41.56   # approximate
  116.36 41.66   # north of the Chao source [FN-WB], approximate
  116.52 41.68   # approximate
  116.66 41.58   # divide with the Luan (Fengning east), approximate
  116.78 41.45   # approximate
  116.86 41.30   # approximate
  116.95 41.15   # approximate
  117.04 41.05   # approximate
  117.15 40.97   # Luanping west: divide with the Xingzhou / Luan, approximate
  117.27 40.89   # approximate
  117.37 40.79   # approximate
  117.47 40.71   # approximate
  117.58 40.64   # Xinglong north-west, approximate
  117.62 40.55   # approximate
  117.54 40.47   # approximate
  117.40 40.45   # approximate
  117.25 40.44   # approximate
  117.12 40.44   # approximate
end

# ---------------------------------------------------------------------------------------
# Rivers, headwater first. A tributary ends on a vertex of the river it joins (copied
# exactly); the Chao and the Bai end at the outlet. elev_m= are approximate anchors for
# the terrain synthesizer (except where a source is named).
river bai name="Bai River (白河)" joins=outlet src="[NT-BAI] [HB-2024] [DOMAIN]"
  115.62 41.42 elev_m=1400   # source, Damaqun Shan south of Guyuan [NT-BAI], approximate
  115.69 41.30               # Dushikou [NT-BAI], located
  115.76 41.12               # Yunzhou Reservoir [BJ-2021], located
  115.83 40.92 elev_m=880    # Chicheng county town [DOMAIN], located
  115.92 40.82               # approximate
  116.00 40.73               # Houcheng [DOMAIN], approximate
  116.09 40.64               # enters Beijing: Bai border section, approximate
  116.15 40.60 elev_m=560    # Baihebao Reservoir [DOMAIN]; dam site 560 m [BJ-2021]
  116.25 40.64               # approximate
  116.36 40.69               # Hei joins, east of Caimugou, Qianjiadian [ZW-HEI], located
  116.49 40.70               # Baoshan, approximate
  116.63 40.73 elev_m=300    # Tanghekou: Tang joins [DOMAIN], located
  116.71 40.66               # approximate
  116.78 40.60               # Zhangjiafen: Bai enters the reservoir [NT-BAI], located
  116.89 40.53               # Bai arm of Miyun Reservoir, approximate
  116.98 40.48 elev_m=157.5  # outlet (copy of the outlet record)
end

river chao name="Chao River (潮河)" joins=outlet src="[FN-WB] [HB-2024] [DOMAIN]"
  116.48 41.55 elev_m=1300   # source at Halahaiwan, north of Huangqi [FN-WB], approximate
  116.52 41.42               # Huangqi town [FN-WB], located
  116.60 41.30               # Tucheng [FN-WB], approximate
  116.65 41.20 elev_m=660    # Fengning county town (Dage) [DOMAIN], located
  116.75 41.08               # Humaying, approximate
  116.90 40.95               # Hushiha, Luanping, approximate
  117.05 40.82               # approximate
  117.12 40.74               # Bakeshiying, approximate
  117.15 40.70 elev_m=200    # Gubeikou: Chao border section [DOMAIN, "verify"], located
  117.16 40.63               # Xiahui gauge area, approximate
  117.10 40.55               # Taishitun, Chao arm of the reservoir: Qingshui joins, approximate
  117.03 40.51               # approximate
  116.98 40.48 elev_m=157.5  # outlet
end

river hei name="Hei River (黑河)" joins=bai src="[ZW-HEI] [RM-2022]"
  115.93 41.44 elev_m=1450   # source, Laozhanggou, Fengyuandian [ZW-HEI], approximate
  115.95 41.25               # Sandaochuan, approximate
  116.00 41.08               # Baicao, approximate
  116.06 40.96               # Dongwankou, approximate
  116.13 40.88               # Ciyingzi, approximate
  116.22 40.80               # Dongmao, approximate
  116.30 40.76               # enters Yanqing: Hei border section, approximate
  116.36 40.69               # joins the Bai (vertex of bai)
end

river tang name="Tang River (汤河)" joins=bai src="[RM-2022] [DOMAIN]; course approximate"
  116.45 41.14 elev_m=1200   # source, southern Fengning, approximate
  116.52 41.06               # approximate
  116.58 41.00               # enters Huairou: Tang border section, approximate
  116.62 40.92               # Labagoumen, approximate
  116.63 40.82               # Changshaoying, approximate
  116.63 40.73               # Tanghekou, joins the Bai (vertex of bai)
end

river lamashan_xigou name="Lamashan Xigou (喇嘛山西沟), western Chao tributary" joins=chao src="[FN-WB]: four western tributaries north of the county town; this one meets the Chao at Tucheng; course approximate"
  116.24 41.43 elev_m=1400   # source below the Bashang edge, western Fengning, approximate
  116.42 41.35               # Lamashan, approximate
  116.60 41.30               # Tucheng (vertex of chao)
end

river qingshui name="Qingshui River (清水河)" joins=chao src="[RM-2022]; course approximate: from Xinglong (one of the five upstream counties [HB-2018]) west into the Chao arm"
  117.52 40.61 elev_m=800    # source, north-west Xinglong, approximate
  117.42 40.59               # enters Miyun: Qingshui border section, approximate
  117.26 40.57               # approximate
  117.10 40.55               # joins the Chao arm (vertex of chao)
end

# ---------------------------------------------------------------------------------------
# Outlet, reservoirs, towns.
outlet miyun_dam 116.98 40.48 name="Miyun Reservoir dams" river=chao src="[W-MY] [DOMAIN]" confidence=verified

reservoir miyun 116.95 40.54 name="Miyun Reservoir (密云水库)" capacity_m3=4.375e9 normal_pool_m=157.5 surface_km2=188 catchment_km2=15788 src="[BJFS] [XH-2019] capacity; [ILEC] surface and catchment; [DOMAIN] normal pool; point = lake centre estimated from [W-MY]" confidence=located
reservoir baihebao 116.15 40.60 name="Baihebao Reservoir (白河堡水库)" river=bai capacity_m3=9.06e7 surface_km2=6 src="[BJ-2021] capacity; [DOMAIN] position; surface area approximate" confidence=located
reservoir yunzhou 115.76 41.12 name="Yunzhou Reservoir (云州水库)" river=bai surface_km2=5 src="[BJ-2021] named; position and surface approximate" confidence=approximate

town fengning 116.65 41.20 name="Fengning (Dage town)" jurisdiction=fengning elev_m=660 urban_km2=18 src="[DOMAIN]; elevation and urban area approximate" confidence=located
town chicheng 115.83 40.91 name="Chicheng" jurisdiction=chicheng elev_m=880 urban_km2=12 src="[DOMAIN]; elevation and urban area approximate" confidence=located
town dushikou 115.70 41.31 name="Dushikou" jurisdiction=chicheng urban_km2=1.5 src="[NT-BAI]" confidence=approximate
town huangqi 116.53 41.42 name="Huangqi" jurisdiction=fengning urban_km2=2 src="[FN-WB]" confidence=approximate
town houcheng 116.01 40.73 name="Houcheng" jurisdiction=chicheng urban_km2=1.5 src="[DOMAIN]" confidence=approximate
town qianjiadian 116.33 40.69 name="Qianjiadian" jurisdiction=yanqing urban_km2=1 src="[ZW-HEI]" confidence=approximate
town tanghekou 116.64 40.73 name="Tanghekou" jurisdiction=huairou urban_km2=1.5 src="[DOMAIN]" confidence=located
town hushiha 116.91 40.95 name="Hushiha" jurisdiction=luanping urban_km2=1.5 src="approximate" confidence=approximate
town gubeikou 117.15 40.68 name="Gubeikou" jurisdiction=miyun elev_m=200 urban_km2=2 src="[DOMAIN]" confidence=located
town taishitun 117.12 40.53 name="Taishitun" jurisdiction=miyun urban_km2=3 src="approximate" confidence=approximate

# ---------------------------------------------------------------------------------------
# Border sections (Hebei -> Beijing). Each sits on a vertex of its river and of the
# Hebei-Beijing border drawn in the region polygons below. Official section names and
# exact sites are not public in the sources used; positions are where the river crosses
# the provincial border.
section chao_gubeikou 117.15 40.70 name="Chao River at Gubeikou" river=chao upstream=luanping downstream=miyun src="[DOMAIN] (Gubeikou, 'estimate: verify'); [RM-2022]" confidence=located
section bai_baihebao 116.09 40.64 name="Bai River above Baihebao (Chicheng-Yanqing border)" river=bai upstream=chicheng downstream=yanqing src="[NT-BAI] enters Beijing at Baihebao; [RM-2022]" confidence=approximate
section hei_border 116.30 40.76 name="Hei River, Chicheng-Yanqing border" river=hei upstream=chicheng downstream=yanqing src="[ZW-HEI] [RM-2022]" confidence=approximate
section tang_border 116.58 41.00 name="Tang River, Fengning-Huairou border" river=tang upstream=fengning downstream=huairou src="[RM-2022]" confidence=approximate
section qingshui_border 117.42 40.59 name="Qingshui River, Xinglong-Miyun border" river=qingshui upstream=xinglong downstream=miyun src="[RM-2022]; course approximate" confidence=approximate

# ---------------------------------------------------------------------------------------
# Jurisdictions [HB-2018]. Counties are tiled by the region polygons below; provinces and
# prefectures are the unions of their counties.
jurisdiction hebei level=province name="Hebei Province"
jurisdiction beijing level=province name="Beijing Municipality"
jurisdiction zhangjiakou level=prefecture name="Zhangjiakou" parent=hebei
jurisdiction chengde level=prefecture name="Chengde" parent=hebei
jurisdiction guyuan level=county name="Guyuan County" parent=zhangjiakou
jurisdiction chicheng level=county name="Chicheng County" parent=zhangjiakou
jurisdiction fengning level=county name="Fengning Manchu Autonomous County" parent=chengde
jurisdiction luanping level=county name="Luanping County" parent=chengde
jurisdiction xinglong level=county name="Xinglong County" parent=chengde
jurisdiction yanqing level=county name="Yanqing District" parent=beijing
jurisdiction huairou level=county name="Huairou District" parent=beijing
jurisdiction miyun level=county name="Miyun District" parent=beijing

# County tiles: borders drawn as straight segments between points placed from the
# sources (sections on the Hebei-Beijing border, towns on the correct side); good to
# about 10 km, not surveyed. Tiles share border vertices exactly and reach past the
# outline, which clips them. The Hebei-Beijing border runs
#   115.20 40.45 | 115.72 40.52 | 115.95 40.62 | 116.09 40.64 (Bai) | 116.18 40.79 |
#   116.30 40.76 (Hei) | 116.36 40.83 | 116.42 40.90 | 116.58 41.00 (Tang) |
#   116.72 40.92 | 116.88 40.80 | 117.05 40.74 | 117.15 40.70 (Chao) | 117.30 40.66 |
#   117.42 40.59 (Qingshui) | 117.44 40.48 | 117.40 40.25
region guyuan
  115.20 41.90
  115.20 41.33
  115.70 41.36
  116.05 41.38
  116.10 41.90
end

region chicheng
  115.20 41.33
  115.20 40.45
  115.72 40.52
  115.95 40.62
  116.09 40.64
  116.18 40.79
  116.30 40.76
  116.36 40.83
  116.22 41.05
  116.05 41.38
  115.70 41.36
end

region fengning
  116.05 41.38
  116.22 41.05
  116.36 40.83
  116.42 40.90
  116.58 41.00
  116.72 40.92
  116.88 40.80
  116.86 40.98
  117.00 41.15
  117.20 41.40
  117.40 41.90
  116.10 41.90
end

region luanping
  116.88 40.80
  117.05 40.74
  117.15 40.70
  117.30 40.66
  117.50 40.70
  117.90 40.72
  117.90 41.90
  117.40 41.90
  117.20 41.40
  117.00 41.15
  116.86 40.98
end

region xinglong
  117.30 40.66
  117.42 40.59
  117.44 40.48
  117.40 40.25
  117.90 40.25
  117.90 40.72
  117.50 40.70
end

region yanqing
  115.20 40.45
  115.20 40.25
  116.30 40.25
  116.41 40.50
  116.44 40.68
  116.36 40.83
  116.30 40.76
  116.18 40.79
  116.09 40.64
  115.95 40.62
  115.72 40.52
end

region huairou
  116.36 40.83
  116.44 40.68
  116.41 40.50
  116.30 40.25
  116.72 40.25
  116.76 40.50
  116.80 40.66
  116.88 40.80
  116.72 40.92
  116.58 41.00
  116.42 40.90
end

region miyun
  116.88 40.80
  116.80 40.66
  116.76 40.50
  116.72 40.25
  117.40 40.25
  117.44 40.48
  117.42 40.59
  117.30 40.66
  117.15 40.70
  117.05 40.74
end

# ---------------------------------------------------------------------------------------
# Land use: target shares of the catchment and how a synthesizer places each class
# (README.md, "Land use"). The shares are illustrative for a forested mountain catchment
# with farmed valleys and a grassland plateau edge in the north-west; they are not taken
# from a land-cover product. water ~= the reservoirs' surfaces / outline area; urban ~=
# the towns' urban_km2 / outline area.
landuse water     rule=reservoir fraction=0.013 priority=0 src="reservoir surfaces above"
landuse urban     rule=town      fraction=0.003 priority=1 src="town urban_km2 above"
landuse cropland  rule=valley    fraction=0.16  priority=2 max_river_distance_km=3 src="illustrative"
landuse grassland rule=highland  fraction=0.25  priority=3 min_elev_m=1200 src="illustrative"
landuse forest    rule=rest      fraction=0.574 priority=4 src="illustrative: the remainder"

# Terrain hints: the outlet at the normal pool level; summits near 2,200 m (Haituo Shan,
# 2,241 m, is on the south-west divide); values other than the outlet are illustrative.
terrain outlet_elev_m=157.5 max_elev_m=2200 ridge_relief_m=500 valley_half_width_km=1.5 noise_amplitude_m=60 noise_wavelength_km=8 seed=15788
