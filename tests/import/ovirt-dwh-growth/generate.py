#!/usr/bin/env python3
"""generate.py: writes v4_5_statistics_vms_resources_usage_hourly.csv, the
hourly VM statistics of oVirt's data warehouse for eight days (1 to 8 May
2024, UTC) of the estate of ../ovirt-estate: db-01, app-01 and web-01 run
from the first hour; web-02, web-03 and web-04 first appear on 3, 5 and 7
May at midnight.  Columns as ovirt-dwh's view
v4_5_statistics_vms_resources_usage_hourly (create_views_4_5.sql); CPU
follows the hour of the day, memory stays at 40%.  Run it to rewrite the
file."""
import datetime

COLUMNS = ("history_id,history_datetime,vm_id,vm_status,seconds_in_status,"
           "minutes_in_status,cpu_usage_percent,max_cpu_usage,"
           "memory_usage_percent,max_memory_usage,user_cpu_usage_percent,"
           "max_user_cpu_usage_percent,system_cpu_usage_percent,"
           "max_system_cpu_usage_percent,vm_ip,currently_running_on_host,"
           "current_user_id,disks_usage,vm_configuration_version,"
           "current_host_configuration_version,memory_buffered_kb,"
           "memory_cached_kb,max_memory_buffered_kb,max_memory_cached_kb")
VM = "00000000-0000-0000-b000-0000000000%02d"
HOST = "00000000-0000-0000-a000-000000000001"
FIRST_DAY = {1: 1, 3: 1, 9: 1, 10: 3, 11: 5, 12: 7}  # VM number: day of May

rows = [COLUMNS]
history_id = 0
start = datetime.datetime(2024, 5, 1, tzinfo=datetime.timezone.utc)
for hour in range(8 * 24):
    when = start + datetime.timedelta(hours=hour)
    for vm, day in FIRST_DAY.items():
        if when.day < day:
            continue
        history_id += 1
        cpu = 10 + (hour % 24)
        rows.append(f"{history_id},{when:%Y-%m-%d %H:%M:%S}+00,{VM % vm},1,"
                    f"3600,60.00,{cpu},{cpu + 5},40,45,{cpu - 2},{cpu + 3},"
                    f"2,4,,{HOST},,,7,3,10240,204800,10240,204800")
with open("v4_5_statistics_vms_resources_usage_hourly.csv", "w") as f:
    f.write("\n".join(rows) + "\n")
