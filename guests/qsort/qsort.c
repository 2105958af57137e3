/* Quicksort (median of three, insertion sort for short ranges, recursion on
   the smaller side) of a pseudo-random uint32 array, then checks that the
   result is sorted and holds the same elements. Parameters: n
   (1..1048576), reps (each rep sorts a freshly generated array). */
#include "guest.h"
#include "random.h"

#define MAX_N (1u << 20)
#define SHORT_RANGE 16

static uint32_t values[MAX_N];

static void swap(uint32_t *x, uint32_t *y)
{
    uint32_t t = *x;
    *x = *y;
    *y = t;
}

static void insertion_sort(uint32_t *v, int32_t low, int32_t high)
{
    for (int32_t i = low + 1; i <= high; i++) {
        uint32_t key = v[i];
        int32_t j = i - 1;
        while (j >= low && v[j] > key) {
            v[j + 1] = v[j];
            j--;
        }
        v[j + 1] = key;
    }
}

static void quicksort(uint32_t *v, int32_t low, int32_t high)
{
    while (high - low >= SHORT_RANGE) {
        int32_t mid = low + (high - low) / 2;
        if (v[mid] < v[low])
            swap(&v[mid], &v[low]);
        if (v[high] < v[low])
            swap(&v[high], &v[low]);
        if (v[high] < v[mid])
            swap(&v[high], &v[mid]);
        uint32_t pivot = v[mid];
        int32_t i = low, j = high;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                swap(&v[i], &v[j]);
                i++;
                j--;
            }
        }
        /* recurse into the smaller part, loop on the larger: O(log n) stack */
        if (j - low < high - i) {
            quicksort(v, low, j);
            low = i;
        } else {
            quicksort(v, i, high);
            high = j;
        }
    }
    insertion_sort(v, low, high);
}

int kmain(void)
{
    uint32_t n = cmdline_uint("n", 1000);
    uint32_t reps = cmdline_uint("reps", 1);
    if (n == 0 || n > MAX_N || reps == 0) {
        serial_printf("qsort: need 1 <= n <= %u and reps >= 1\n", MAX_N);
        return 2;
    }
    uint32_t checksum = 0;
    for (uint32_t rep = 0; rep < reps; rep++) {
        uint32_t seed = 0x9E3779B9u + rep;
        uint32_t sum_before = 0, xor_before = 0;
        for (uint32_t i = 0; i < n; i++) {
            /* a narrow range on odd reps, so duplicates are common */
            uint32_t x = xorshift32(&seed);
            values[i] = (rep & 1) ? x % 1000 : x;
            sum_before += values[i];
            xor_before ^= values[i];
        }
        quicksort(values, 0, (int32_t)n - 1);
        uint32_t sum_after = 0, xor_after = 0, weighted = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (i > 0 && values[i - 1] > values[i]) {
                serial_printf("qsort: rep %u: not sorted at index %u\n", rep, i);
                return 1;
            }
            sum_after += values[i];
            xor_after ^= values[i];
            weighted += values[i] * (i + 1);
        }
        if (sum_after != sum_before || xor_after != xor_before) {
            serial_printf("qsort: rep %u: elements changed while sorting\n", rep);
            return 1;
        }
        checksum = (checksum ^ weighted) * 0x01000193u;
    }
    serial_printf("qsort n=%u reps=%u: sorted, min=%u max=%u checksum=%08x\n",
                  n, reps, values[0], values[n - 1], checksum);
    return 0;
}
