# Yongding River upstream of Guanting Reservoir, and its channel on to Tianjin:
# geography for the built-in basin "yongding". Format: scenarios/basins/README.md.
# Coordinates: WGS84 "LON LAT", decimal degrees.
#
# Two parts:
#  - the outline: the catchment controlled by Guanting Reservoir (Sanggan, Yang, Gui),
#    the area the published figure is checked against;
#  - a corridor along the Yongding below the dam (Guanting gorge -> Sanjiadian -> Lugou
#    Bridge -> Cuizhihuiying -> Langfang -> Wuqing -> Qujiadian), so a synthesizer can
#    extend the domain along the channel and the Beijing, Hebei and Tianjin border
#    sections lie in it. Its side valleys (1,600 km2 in the gorge) are not modelled.
#
# Sources, cited by tag in the notes below (what each gave):
#  [ZW-GT]   zh.wikipedia, "官厅水库": dam at Guanting town, Huailai; 40°23'N 115°48'E;
#            catchment 43,402 km2; flood-limit level 476 m; total capacity 41.6e8 m3
#            (design 22.7e8); dam crest 492 m; water area 130 km2.
#  [BJWA]    Beijing Water Authority, "官厅水库" (2024): controls 4.3e4 km2, 92.3% of the
#            Yongding basin; Bahaoqiao wetland on the Yongding inflow; Gui inflow wetland.
#  [HWCC]    Haihe River Water Conservancy Commission, "永定河系" (copied at 277762.cc):
#            Yongding system 47,016 km2 at 112°-117°45'E, 39°-41°20'N; Sanggan 26,547 km2
#            (sources Yuanzi He and Hui He meeting near Mayi); Yang 16,933 km2 from the
#            East, West and South Yang meeting at Anzhuangtun near Chaigoubu, 106 km to
#            Zhuguantun; Zhuguantun-Guanting 30 km; gorge 108.7 km.
#  [BJWP]    Beijing Water Planning Institute (Liu et al., 2024, via jizihe.com): Sanggan
#            and Yang meet at Zhuguantun (Huailai); the river leaves Beijing at
#            Cuizhihuiying (Daxing); Beijing part 3,210 km2; gorge 108.5 km.
#  [RM-2020] People's Daily 2020-06-19: the dam is at the reservoir's south-west corner;
#            released water enters Beijing at Youzhou village, Guanting town.
#  [HL-TOUR] Huailai tourism pages: confluence near Zhuguantun south-west of Shacheng;
#            the dam lies across the south end; the Gui enters from the north-east.
#  [MBJI]    encyclopaedia "永定河" (mbji.cn): Sanggan rises on the north slope of the
#            Guancen Shan, receives the Huliu at Qianjiashawa; the river enters the
#            flood-detention area at Lianggezhuang and meets the North Canal at Qujiadian.
#  [TW-YD]   twwiki "永定河": the gorge falls from 450 m to 100 m; the plain lies at
#            25-100 m.
#  [FP-HAI]  factpedia "海河" (Haihe article): Sanggan 437 km, 25,533 km2; Yang 262 km,
#            15,078 km2, from the East Yang in Xinghe (Inner Mongolia).
#  [DOMAIN]  /work/shared/DOMAIN.md, key-point table ("good to a few km at best").
# Confidence words: "verified" = the coordinate itself is in a source; "located" = the
# place is named in a source and positioned from memory of the map (a few km);
# "approximate" = positioned to fit the description only (5-15 km).
#
# The outline is drawn along the main divides from where the sources say the rivers rise
# (Guancen Shan, the Inner Mongolian plateau edge, Heng Shan, Xiaowutai Shan); the plateau
# north of Zhangjiakou (Bashang) drains inland and is outside. Not digitised from a map.

wcsim-geo 1

basin yongding name="Yongding River upstream of Guanting Reservoir (and channel to Tianjin)" crs=EPSG:32650 area_km2=43402 area_src="[ZW-GT] catchment of Guanting Reservoir; [BJWA] 4.3e4 km2; [HWCC] 47,016 km2 for the whole Yongding system incl. plain"

# ---------------------------------------------------------------------------------------
# Outline: Guanting Reservoir catchment, clockwise from the dam.
outline guanting_catchment name="Guanting Reservoir catchment"
  115.62 40.22   # across the gorge just below the dam [RM-2020], located
  115.75 40.28   # hills south of the reservoir, approximate
  115.92 40.32   # approximate
  116.05 40.37   # Badaling (divide with the Guangou / Wenyu), located
  116.20 40.42   # approximate
  116.32 40.47   # head of the Gui, east Yanqing, approximate
  116.30 40.53   # shared with chaobai.geo (Bai / Gui divide), approximate
  116.18 40.56   # shared with chaobai.geo
  116.05 40.57   # shared with chaobai.geo
  115.92 40.60   # shared with chaobai.geo
  115.80 40.58   # Haituo Shan, shared with chaobai.geo, located
  115.66 40.63   # shared with chaobai.geo
  115.55 40.72   # shared with chaobai.geo (Yang / Bai divide)
  115.47 40.85   # shared with chaobai.geo
  115.43 41.00   # shared with chaobai.geo
  115.45 41.15   # shared with chaobai.geo: Bashang edge north of Chongli
  115.30 41.18   # Bashang edge, approximate
  115.10 41.12   # approximate
  114.90 41.10   # south of Zhangbei (Zhangbei drains inland), approximate
  114.70 41.05   # approximate
  114.45 41.10   # approximate
  114.20 41.18   # approximate
  113.95 41.25   # approximate
  113.75 41.28   # north of Xinghe: head of the East Yang [FP-HAI], approximate
  113.55 41.15   # approximate
  113.40 40.95   # divide with the inland basins of Ulanqab, approximate
  113.30 40.78   # head of the Yu He north of Fengzhen, approximate
  113.10 40.62   # approximate
  112.92 40.45   # divide with Daihai (inland), approximate
  112.80 40.25   # approximate
  112.62 40.10   # west of Zuoyun: divide with the Yellow River (Cangtou He), approximate
  112.50 39.90   # approximate
  112.35 39.70   # approximate
  112.22 39.50   # Pinglu: head of the Yuanzi He [HWCC], approximate
  112.15 39.25   # approximate
  112.15 39.02   # west of Ningwu, approximate
  112.22 38.88   # Guancen Shan: head of the Hui He [MBJI] [FP-HAI], approximate
  112.42 38.85   # approximate (divide with the Fen)
  112.60 38.98   # approximate
  112.85 39.15   # Yanmen Pass: divide with the Hutuo, approximate
  113.10 39.30   # approximate
  113.40 39.45   # approximate
  113.70 39.55   # Heng Shan, located
  113.95 39.55   # approximate
  114.20 39.58   # between Guangling (in) and Lingqiu (out), approximate
  114.45 39.55   # head of the Huliu, approximate
  114.70 39.65   # approximate
  114.90 39.85   # Xiaowutai Shan (divide with the Juma / Daqing), located
  115.10 39.98   # approximate
  115.30 40.08   # mountains south of Zhuolu, approximate
  115.48 40.16   # approximate
end

# ---------------------------------------------------------------------------------------
# Rivers, headwater first; a tributary ends on a vertex of its receiver (copied exactly).
# elev_m= are approximate anchors for the terrain synthesizer unless a source is named.
river sanggan name="Sanggan River (桑干河)" joins=yongding src="[HWCC] [MBJI] [FP-HAI] [DOMAIN]"
  112.30 38.93 elev_m=1500   # Hui He source, Guancen Shan north slope [MBJI], approximate
  112.30 39.00               # Ningwu county town, located
  112.40 39.10               # Yangfangkou, approximate
  112.43 39.33 elev_m=1060   # Shuozhou, located
  112.62 39.42               # Mayi: Yuanzi He joins [HWCC], approximate
  112.85 39.56               # north of Shanyin, approximate
  113.05 39.70               # between Yingxian and Huairen, approximate
  113.30 39.85               # approximate
  113.52 39.93 elev_m=990    # Yu He joins, approximate
  113.80 39.98               # Cetian Reservoir, approximate
  113.92 40.02               # Shanxi -> Hebei: Sanggan border section, approximate
  114.15 40.09 elev_m=900    # Yangyuan [DOMAIN], located
  114.45 40.15               # Qianjiashawa: Huliu joins [MBJI], approximate
  114.65 40.25               # Shixiali gorge [MBJI], approximate
  114.95 40.33               # approximate
  115.20 40.37 elev_m=520    # Zhuolu, located
  115.38 40.38 elev_m=480    # Zhuguantun: meets the Yang [BJWP] [HL-TOUR] (vertex of yongding)
end

river yuhe name="Yu He (御河)" joins=sanggan src="[DOMAIN] (Datong, 'Sanggan/Yuhe region'); course approximate"
  113.25 40.70 elev_m=1400   # source north of Fengzhen (Inner Mongolia), approximate
  113.15 40.45               # Fengzhen, located
  113.25 40.25               # Inner Mongolia -> Shanxi, approximate
  113.30 40.08 elev_m=1030   # Datong [DOMAIN], located
  113.45 39.98               # approximate
  113.52 39.93 elev_m=990    # joins the Sanggan (vertex of sanggan)
end

river huliu name="Huliu River (壶流河)" joins=sanggan src="[MBJI]; course approximate"
  114.15 39.62 elev_m=1500   # source between Guangling and Lingqiu, approximate
  114.28 39.76               # Guangling, located
  114.57 39.84               # Yuxian, located
  114.55 40.00               # approximate
  114.45 40.15               # Qianjiashawa, joins the Sanggan (vertex of sanggan)
end

river dongyang name="East Yang River (东洋河)" joins=yang src="[HWCC] [FP-HAI]; course approximate"
  113.78 41.18 elev_m=1500   # source, northern Xinghe (Inner Mongolia), approximate
  113.84 40.88               # Xinghe county town, located
  114.02 40.80               # Inner Mongolia -> Hebei: East Yang border section, approximate
  114.25 40.72               # approximate
  114.42 40.67               # Anzhuangtun near Chaigoubu (vertex of yang)
end

river xiyang name="West Yang River (西洋河)" joins=yang src="[HWCC]; course approximate"
  113.78 40.72 elev_m=1300   # source, southern Xinghe, approximate
  113.98 40.68               # approximate
  114.20 40.66               # approximate
  114.42 40.67               # Anzhuangtun (vertex of yang)
end

river nanyang name="South Yang River (南洋河)" joins=yang src="[HWCC]; rises near Yanggao (Beijing water-system notes); course approximate"
  113.70 40.45 elev_m=1200   # source north of Yanggao, approximate
  113.95 40.43               # approximate
  114.09 40.42               # Tianzhen, located
  114.30 40.55               # approximate
  114.42 40.67               # Anzhuangtun (vertex of yang)
end

river yang name="Yang River (洋河)" joins=yongding src="[HWCC] [BJWP] [DOMAIN]"
  114.42 40.67 elev_m=760    # Anzhuangtun near Chaigoubu, Huai'an: the three Yang meet [HWCC]
  114.62 40.68               # Zuowei, approximate
  114.85 40.68 elev_m=680    # south of Zhangjiakou city: Qingshui joins, approximate
  115.06 40.58 elev_m=600    # Xuanhua [DOMAIN], located
  115.28 40.47               # Xiahuayuan, located
  115.38 40.38 elev_m=480    # Zhuguantun (vertex of yongding)
end

river qingshui_zjk name="Qingshui River (清水河, Zhangjiakou)" joins=yang src="Beijing water-system notes (doczj.com): joins the Yang south of Zhangjiakou; course approximate"
  115.25 41.08 elev_m=1500   # source north of Chongli, approximate
  115.05 40.95               # approximate
  114.90 40.82               # Zhangjiakou city [DOMAIN], located
  114.85 40.68               # joins the Yang (vertex of yang)
end

river gui name="Gui River (妫水河)" joins=yongding src="[BJWA] [HL-TOUR] [DOMAIN]; course approximate"
  116.28 40.50 elev_m=650    # source, east Yanqing, approximate
  116.12 40.50               # approximate
  115.97 40.46               # Yanqing [DOMAIN], located
  115.88 40.42               # Gujiaying inflow section, approximate
  115.80 40.38               # enters the reservoir ([ZW-GT] reservoir coordinate)
  115.68 40.35               # approximate
  115.58 40.33               # in the reservoir (vertex of yongding)
end

river yongding name="Yongding River, Zhuguantun to Guanting dam" joins=yongding_lower src="[HWCC] 30 km; [BJWA] [RM-2020]"
  115.38 40.38 elev_m=480    # Zhuguantun [BJWP] [HL-TOUR], approximate
  115.47 40.34               # Bahaoqiao: reservoir inflow section [BJWA] [DOMAIN], approximate
  115.58 40.33               # reservoir, approximate
  115.60 40.24 elev_m=476    # Guanting dam, south-west corner [RM-2020]; level 476 m [ZW-GT]
end

river yongding_lower name="Yongding River, Guanting dam to Qujiadian" joins=outlet src="[BJWP] [RM-2020] [MBJI] [TW-YD] [DOMAIN]"
  115.60 40.24 elev_m=476    # Guanting dam (first vertex = last vertex of yongding)
  115.65 40.20               # Youzhou village: Hebei -> Beijing section [RM-2020], approximate
  115.67 40.10               # approximate
  115.70 40.05               # Yanhecheng, approximate
  115.82 40.00               # approximate
  115.92 40.00               # Yanchi, approximate
  116.02 39.96               # Wangping, approximate
  116.10 39.96 elev_m=100    # Sanjiadian: leaves the gorge [DOMAIN]; 100 m [TW-YD]
  116.18 39.90               # approximate
  116.21 39.85 elev_m=60     # Lugou Bridge [DOMAIN], located
  116.25 39.75               # approximate
  116.30 39.65               # approximate
  116.38 39.55               # approximate
  116.45 39.50 elev_m=25     # Cuizhihuiying: Beijing -> Hebei section [BJWP] [DOMAIN], approximate
  116.55 39.42               # Lianggezhuang: enters the flood-detention area [MBJI], approximate
  116.68 39.36               # flood-detention area, approximate
  116.85 39.30               # Hebei -> Tianjin section near Wuqing, approximate
  117.00 39.25               # Wuqing district, approximate
  117.13 39.22 elev_m=3      # Qujiadian: meets the North Canal [MBJI] [DOMAIN]; outlet
end

# The channel below the dam. The half width is a modelling choice: wide enough for the
# valley floor and levees at 500 m - 1 km cells, narrow enough to stay a channel.
corridor yongding_channel river=yongding_lower half_width_km=4 name="Yongding channel, Guanting to Qujiadian" src="course as in river yongding_lower"

# ---------------------------------------------------------------------------------------
# Outlet, reservoirs, towns.
outlet qujiadian 117.13 39.22 name="Qujiadian (Yongding meets the North Canal)" river=yongding_lower src="[MBJI] [DOMAIN]" confidence=located

reservoir guanting 115.80 40.38 name="Guanting Reservoir (官厅水库)" river=gui capacity_m3=4.16e9 normal_pool_m=476 surface_km2=130 catchment_km2=43402 src="[ZW-GT]: coordinate, 41.6e8 m3 total (design 22.7e8: sources disagree), 476 m is the flood-limit level, 130 km2 water area (other sources 163-230)" confidence=verified
reservoir cetian 113.80 39.98 name="Cetian Reservoir (册田水库)" river=sanggan surface_km2=20 src="position and surface approximate" confidence=approximate

town datong 113.30 40.08 name="Datong" jurisdiction=datong elev_m=1040 urban_km2=180 src="[DOMAIN]; urban area approximate" confidence=located
town shuozhou 112.43 39.33 name="Shuozhou" jurisdiction=shuozhou elev_m=1070 urban_km2=60 src="approximate" confidence=located
town ningwu 112.30 39.00 name="Ningwu" jurisdiction=ningwu urban_km2=6 src="[FP-HAI] names the county" confidence=located
town shanyin 112.82 39.53 name="Shanyin" jurisdiction=shuozhou urban_km2=10 src="approximate" confidence=located
town yingxian 113.19 39.55 name="Yingxian" jurisdiction=shuozhou urban_km2=10 src="approximate" confidence=located
town huairen 113.10 39.82 name="Huairen" jurisdiction=shuozhou urban_km2=15 src="approximate" confidence=located
town zuoyun 112.70 40.01 name="Zuoyun" jurisdiction=datong urban_km2=5 src="approximate" confidence=located
town hunyuan 113.69 39.70 name="Hunyuan" jurisdiction=datong urban_km2=8 src="approximate" confidence=located
town yanggao 113.75 40.36 name="Yanggao" jurisdiction=datong urban_km2=8 src="approximate" confidence=located
town tianzhen 114.09 40.42 name="Tianzhen" jurisdiction=datong urban_km2=6 src="approximate" confidence=located
town guangling 114.28 39.76 name="Guangling" jurisdiction=datong urban_km2=6 src="approximate" confidence=located
town fengzhen 113.15 40.44 name="Fengzhen" jurisdiction=ulanqab urban_km2=20 src="approximate" confidence=located
town xinghe 113.84 40.88 name="Xinghe" jurisdiction=ulanqab urban_km2=8 src="[FP-HAI] names the county" confidence=located
town yangyuan 114.15 40.11 name="Yangyuan" jurisdiction=yangyuan elev_m=910 urban_km2=8 src="[DOMAIN]" confidence=located
town yuxian 114.57 39.84 name="Yuxian" jurisdiction=yuxian urban_km2=15 src="approximate" confidence=located
town huaian 114.42 40.68 name="Huai'an (Chaigoubu)" jurisdiction=huaian urban_km2=6 src="[HWCC]" confidence=located
town zhangjiakou 114.88 40.80 name="Zhangjiakou" jurisdiction=zhangjiakou_city elev_m=720 urban_km2=90 src="[DOMAIN]; urban area approximate" confidence=located
town xuanhua 115.05 40.61 name="Xuanhua" jurisdiction=xuanhua elev_m=610 urban_km2=35 src="[DOMAIN]" confidence=located
town zhuolu 115.21 40.39 name="Zhuolu" jurisdiction=zhuolu urban_km2=10 src="approximate" confidence=located
town shacheng 115.52 40.41 name="Huailai (Shacheng)" jurisdiction=huailai urban_km2=15 src="[HL-TOUR]" confidence=located
town yanqing 115.97 40.46 name="Yanqing" jurisdiction=yanqing elev_m=500 urban_km2=25 src="[DOMAIN]" confidence=located
town sanjiadian 116.10 39.96 name="Sanjiadian" jurisdiction=mentougou src="[DOMAIN]" confidence=located
town lugouqiao 116.21 39.85 name="Lugou Bridge" jurisdiction=fengtai src="[DOMAIN]" confidence=located

# ---------------------------------------------------------------------------------------
# Border sections. Sections on a border sit on a vertex of their river and of the border
# drawn in the region polygons below. on_border=no marks an assessment section inside the
# upstream jurisdiction (its downstream party, if given, is the beneficiary).
section sanggan_shanxi_hebei 113.92 40.02 name="Sanggan, Shanxi -> Hebei (Yangyuan)" river=sanggan upstream=datong downstream=yangyuan src="provincial border crossing, approximate" confidence=approximate
section dongyang_nm_hebei 114.02 40.80 name="East Yang, Inner Mongolia -> Hebei" river=dongyang upstream=ulanqab downstream=huaian src="provincial border crossing, approximate" confidence=approximate
section yongding_bahaoqiao 115.47 40.34 name="Yongding at Bahaoqiao (inflow to Guanting)" river=yongding upstream=huailai downstream=beijing on_border=no src="[BJWA] Bahaoqiao wetland on the inflow; [DOMAIN] Class IV early 2010s; position approximate" confidence=approximate
section gui_gujiaying 115.88 40.42 name="Gui at Gujiaying (inflow to Guanting)" river=gui upstream=yanqing on_border=no src="[DOMAIN] Gujiaying inlet section; position approximate" confidence=approximate
section yongding_youzhou 115.65 40.20 name="Yongding below Guanting, Hebei -> Beijing (Youzhou)" river=yongding_lower upstream=huailai downstream=mentougou src="[RM-2020] water enters Beijing at Youzhou village; position approximate" confidence=approximate
section yongding_cuizhihuiying 116.45 39.50 name="Yongding at Cuizhihuiying, Beijing -> Hebei" river=yongding_lower upstream=daxing downstream=langfang src="[BJWP] [DOMAIN]" confidence=located
section yongding_hebei_tianjin 116.85 39.30 name="Yongding, Hebei (Langfang) -> Tianjin (Wuqing)" river=yongding_lower upstream=langfang downstream=wuqing src="[DOMAIN] Wuqing; position approximate" confidence=approximate

# ---------------------------------------------------------------------------------------
# Jurisdictions. Counties where the sources name them; elsewhere a coarser tile that is
# honest about what it is (the name says which counties it lumps).
jurisdiction shanxi level=province name="Shanxi Province"
jurisdiction inner_mongolia level=province name="Inner Mongolia Autonomous Region"
jurisdiction hebei level=province name="Hebei Province"
jurisdiction beijing level=province name="Beijing Municipality"
jurisdiction tianjin level=province name="Tianjin Municipality"
jurisdiction xinzhou level=prefecture name="Xinzhou" parent=shanxi
jurisdiction shuozhou level=prefecture name="Shuozhou (Shuocheng, Pinglu, Shanyin, Yingxian, Huairen; one tile)" parent=shanxi
jurisdiction datong level=prefecture name="Datong (city, Yunzhou, Zuoyun, Yanggao, Tianzhen, Hunyuan, Guangling; one tile)" parent=shanxi
jurisdiction ulanqab level=prefecture name="Ulanqab (Xinghe, Fengzhen, Qahar Right Front; one tile)" parent=inner_mongolia
jurisdiction zhangjiakou level=prefecture name="Zhangjiakou" parent=hebei
jurisdiction langfang level=prefecture name="Langfang (Anci, Gu'an, Yongqing; one tile)" parent=hebei
jurisdiction ningwu level=county name="Ningwu County" parent=xinzhou
jurisdiction shangyi level=county name="Shangyi County" parent=zhangjiakou
jurisdiction huaian level=county name="Huai'an County" parent=zhangjiakou
jurisdiction zhangjiakou_city level=county name="Zhangjiakou city districts with Wanquan and Chongli (one tile)" parent=zhangjiakou
jurisdiction xuanhua level=county name="Xuanhua and Xiahuayuan districts" parent=zhangjiakou
jurisdiction huailai level=county name="Huailai County" parent=zhangjiakou
jurisdiction zhuolu level=county name="Zhuolu County" parent=zhangjiakou
jurisdiction yangyuan level=county name="Yangyuan County" parent=zhangjiakou
jurisdiction yuxian level=county name="Yu County (Yuxian)" parent=zhangjiakou
jurisdiction yanqing level=county name="Yanqing District" parent=beijing
jurisdiction mentougou level=county name="Mentougou District" parent=beijing
jurisdiction fengtai level=county name="Fengtai and Shijingshan districts (with the Fangshan bank)" parent=beijing
jurisdiction daxing level=county name="Daxing District" parent=beijing
jurisdiction wuqing level=county name="Wuqing District" parent=tianjin
jurisdiction beichen level=county name="Beichen District" parent=tianjin

# Tiles: borders drawn as straight segments between points placed from the sources
# (sections on their borders, towns on the correct side); good to 10-20 km, not surveyed.
# Tiles share border vertices exactly; they reach past the domain, which clips them, and
# outside the domain they mean nothing. Main borders:
#  Shanxi | Inner Mongolia: 111.80 40.25 | 112.60 40.25 | 112.90 40.35 | 113.20 40.30 |
#    113.55 40.50 | 113.90 40.62 | 114.10 40.65
#  Inner Mongolia | Hebei: 114.10 40.65 | 114.02 40.80 (East Yang) | 113.92 40.95 |
#    113.88 41.10 | 113.80 41.60
#  Shanxi | Hebei: 114.10 40.65 | 114.32 40.52 | 114.30 40.30 | 113.98 40.22 |
#    113.92 40.02 (Sanggan) | 114.20 39.93 | 114.45 39.80 | 114.45 39.50 | 114.50 38.60
#  Hebei | Beijing: 115.80 40.75 | 115.80 40.58 | 115.78 40.40 | 115.72 40.30 |
#    115.65 40.20 (Youzhou) | 115.50 40.05 | 115.45 39.85 | 115.45 39.70; and
#    116.20 39.40 | 116.45 39.50 (Cuizhihuiying) | 116.70 39.62
#  Hebei | Tianjin: 116.90 39.45 | 116.85 39.30 (section) | 116.80 39.10
region ningwu
  111.80 38.60
  111.80 39.15
  112.30 39.12
  112.60 39.10
  112.75 38.60
end

region shuozhou
  111.80 39.15
  111.80 40.25
  112.60 40.25
  112.58 39.95
  112.85 39.95
  113.30 39.90
  113.45 39.65
  113.40 39.30
  113.45 38.60
  112.75 38.60
  112.60 39.10
  112.30 39.12
end

region datong
  112.60 40.25
  112.90 40.35
  113.20 40.30
  113.55 40.50
  113.90 40.62
  114.10 40.65
  114.32 40.52
  114.30 40.30
  113.98 40.22
  113.92 40.02
  114.20 39.93
  114.45 39.80
  114.45 39.50
  114.50 38.60
  113.45 38.60
  113.40 39.30
  113.45 39.65
  113.30 39.90
  112.85 39.95
  112.58 39.95
end

region ulanqab
  111.80 40.25
  111.80 41.60
  113.80 41.60
  113.88 41.10
  113.92 40.95
  114.02 40.80
  114.10 40.65
  113.90 40.62
  113.55 40.50
  113.20 40.30
  112.90 40.35
  112.60 40.25
end

region shangyi
  113.80 41.60
  114.45 41.60
  114.45 41.00
  113.92 40.95
  113.88 41.10
end

region huaian
  114.10 40.65
  114.02 40.80
  113.92 40.95
  114.45 41.00
  114.60 40.75
  114.65 40.45
  114.30 40.30
  114.32 40.52
end

region zhangjiakou_city
  114.45 41.60
  115.70 41.60
  115.70 40.90
  115.20 40.78
  115.00 40.68
  114.80 40.64
  114.60 40.75
  114.45 41.00
end

region xuanhua
  114.65 40.45
  114.60 40.75
  114.80 40.64
  115.00 40.68
  115.20 40.78
  115.70 40.90
  115.80 40.75
  115.70 40.65
  115.42 40.52
  115.30 40.40
  115.00 40.42
  114.80 40.40
end

region yangyuan
  114.30 40.30
  114.65 40.45
  114.80 40.40
  114.80 40.15
  114.50 40.05
  114.20 39.93
  113.92 40.02
  113.98 40.22
end

region yuxian
  114.20 39.93
  114.50 40.05
  114.80 40.15
  114.95 39.90
  115.10 39.70
  115.20 38.60
  114.50 38.60
  114.45 39.50
  114.45 39.80
end

region zhuolu
  114.80 40.15
  114.80 40.40
  115.00 40.42
  115.30 40.40
  115.35 40.30
  115.40 40.15
  115.50 40.05
  115.45 39.85
  115.45 39.70
  115.20 38.60
  115.10 39.70
  114.95 39.90
end

region huailai
  115.30 40.40
  115.42 40.52
  115.70 40.65
  115.80 40.75
  115.80 40.58
  115.78 40.40
  115.72 40.30
  115.65 40.20
  115.50 40.05
  115.40 40.15
  115.35 40.30
end

region yanqing
  115.80 40.75
  116.60 40.75
  116.60 40.30
  115.95 40.28
  115.72 40.30
  115.78 40.40
  115.80 40.58
end

region mentougou
  115.65 40.20
  115.72 40.30
  115.95 40.28
  116.30 40.10
  116.14 39.93
  116.05 39.80
  115.45 39.70
  115.45 39.85
  115.50 40.05
end

region fengtai
  116.14 39.93
  116.30 40.10
  116.50 40.10
  116.50 39.80
  116.25 39.76
  116.05 39.70
  116.05 39.80
end

region daxing
  116.05 39.70
  116.25 39.76
  116.50 39.80
  116.70 39.62
  116.45 39.50
  116.20 39.40
  116.00 39.50
end

region langfang
  116.20 39.40
  116.45 39.50
  116.70 39.62
  116.90 39.45
  116.85 39.30
  116.80 39.10
  116.30 39.10
end

region wuqing
  116.90 39.45
  117.10 39.45
  117.06 39.24
  117.00 39.05
  116.80 39.10
  116.85 39.30
end

region beichen
  117.10 39.45
  117.40 39.45
  117.40 39.05
  117.00 39.05
  117.06 39.24
end

# ---------------------------------------------------------------------------------------
# Land use (README.md, "Land use"): illustrative shares for a loess-and-basin catchment
# farmed on the basin floors (Datong, Yangyuan, Xuanhua, Huailai), grassland on the
# plateau edges and high slopes, forest mainly in the east and on the high ranges; not
# taken from a land-cover product. water ~= reservoir surfaces / outline area; urban ~=
# the towns' urban_km2 in the outline / outline area.
landuse water     rule=reservoir fraction=0.0035 priority=0 src="reservoir surfaces above"
landuse urban     rule=town      fraction=0.0125 priority=1 src="town urban_km2 above"
landuse cropland  rule=valley    fraction=0.40   priority=2 max_river_distance_km=12 src="illustrative"
landuse grassland rule=highland  fraction=0.33   priority=3 min_elev_m=1400 src="illustrative"
landuse forest    rule=rest      fraction=0.254  priority=4 src="illustrative: the remainder"

# Terrain hints: the outlet on the Tianjin plain; summits near 2,800 m (Xiaowutai Shan,
# Guancen Shan); broad basin floors, hence the wide valleys; illustrative except the
# outlet and the anchors on the rivers.
terrain outlet_elev_m=3 max_elev_m=2800 ridge_relief_m=450 valley_half_width_km=6 noise_amplitude_m=50 noise_wavelength_km=15 seed=43402
